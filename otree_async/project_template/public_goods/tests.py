from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        if not self.participant.vars.get("consented", True):
            # declined in the intro app, which skipped this app
            return

        yield SubmissionMustFail(Contribute, dict(contribution=cu(101)))
        yield SubmissionMustFail(Contribute, dict(contribution=cu(-1)))
        # players 1, 2, 3 contribute 10, 20, 30: the pot is 60
        contribution = cu(10 * self.player.id_in_group)
        yield Contribute, dict(contribution=contribution)

        multiplier = self.session.config["multiplier"]
        share = cu(60) * multiplier / 3
        expect(self.group.total_contribution, cu(60))
        expect(self.player.payoff, C.ENDOWMENT - contribution + share)
        expect(str(self.player.payoff), "in", self.html)
        yield Results
