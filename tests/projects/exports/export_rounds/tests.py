from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        offer = self.player.id_in_group + self.round_number
        note = "" if self.player.id_in_group == 1 else f"line one\nline, two {self.round_number}"
        yield Offer, dict(offer=offer, confident=self.player.id_in_group == 2, note=note)
        yield Outcome
