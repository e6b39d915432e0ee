from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        comment = 'naïve, "quoted"' if self.round_number == 1 else ""
        yield Survey, dict(age=20 + self.participant.id_in_session, comment=comment)
