from otree.api import Currency as c, currency_range, SubmissionMustFail
from . import pages
from ._builtin import Bot
from .models import Constants


class PlayerBot(Bot):
    def play_round(self):
        assert f"Hello {self.player.nickname}" in self.html
        yield SubmissionMustFail(pages.Contribute, {"contribution": 13, "feeling": ""})
        yield SubmissionMustFail(pages.Contribute, {"contribution": 99, "feeling": ""})
        yield SubmissionMustFail(pages.Contribute, {"contribution": 101, "feeling": ""})
        choice = "good" if self.round_number == 1 else "better"
        yield pages.Contribute, {"contribution": c(10) * self.player.id_in_group, "feeling": choice}
        assert self.participant.vars["contributed_in"] == self.round_number
        yield pages.Results
        assert self.group.payoffs_set == 1
        assert self.player.payoff == Constants.endowment - self.player.contribution + self.group.individual_share
