from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        participant = self.participant
        expected = (
            participant.payoff.to_real_world_currency(self.session)
            + self.session.config["participation_fee"]
        )
        expect(participant.payoff_plus_participation_fee(), expected)
        expect(f'<th id="total-payment">{expected}</th>', "in", self.html)
        expect(f"Thank you, {participant.nickname}", "in", self.html)
        if not participant.consented:
            expect("You chose not to take part", "in", self.html)
        yield PaymentInfo
