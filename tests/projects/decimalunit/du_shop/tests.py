from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield SubmissionMustFail(Buy, dict(price=11, weight=1))
        yield Buy, dict(price="1.234", weight="2.25")
        expect("Price: $1.23 (Dollars); payoff: $1.73.", "in", self.html)
        expect("Weight: 2.3 g (Grams), doubled 4.6 g.", "in", self.html)
        yield Paid
