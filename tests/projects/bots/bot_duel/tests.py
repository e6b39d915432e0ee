from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        config = self.session.config
        if config.get("stop_early") and self.player.id_in_group == 1:
            return  # the other player waits on Together forever
        if config.get("wrong_page"):
            yield Outcome
        yield Choose, dict(choice=self.player.id_in_group)
        if config.get("yield_wait"):
            yield Together
        expect(self.group.total, 3)
        expect('<b id="total">3</b>', "in", self.html)
        # The last page of the last round is never submitted: the bot just ends there.
        if self.round_number < C.NUM_ROUNDS:
            yield Submission(Outcome, check_html=False)
