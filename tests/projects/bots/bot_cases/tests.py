from otree.api import *

from . import *


class PlayerBot(Bot):
    cases = ["a", "b", "c"]

    def play_round(self):
        yield Hello, dict(label=self.case)
