from otree.api import Submission
from . import pages
from ._builtin import Bot


class PlayerBot(Bot):
    def play_round(self):
        assert self.session.vars["grouped_by_method"]
        timed_out = self.player.id_in_group == 2
        assert "60" in self.html  # the timer of get_timeout_seconds (601 or 602 s)
        yield Submission(pages.Quick, {"answer": 3}, timeout_happened=timed_out)
        assert self.participant.vars["timed_out"] == timed_out
        assert self.subsession.tallied == 1
        assert "Everyone: 4" in self.html
        yield pages.Done
