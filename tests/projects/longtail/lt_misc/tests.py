from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Ask, dict(answer=3, age=20, bid=5, share=0.5, note="hi")
        expect("the buyer is", "in", self.html)
        if self.player.role == C.buyer_role:
            expect("Buyer's page", "in", self.html)
        else:
            expect("Seller's page", "in", self.html)
        yield Show
