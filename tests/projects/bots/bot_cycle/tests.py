from otree.api import *

from . import *


class PlayerBot(Bot):
    cases = [1, 2]

    def play_round(self):
        # Run 0 plays a and 1, run 1 plays b and 2, run 2 plays c and 1 again.
        expect(self.case, {"a": 1, "b": 2, "c": 1}[self.participant.cases_seen])
        yield Again
