from otree.api import *

from . import *


class PlayerBot(Bot):
    cases = ["generous", "selfish"]

    def play_round(self):
        sent = cu(20)
        sent_back = cu(30) if self.case == "generous" else cu(0)

        if self.player.role == C.SENDER_ROLE:
            expect("You are the Sender", "in", self.html)
            yield SubmissionMustFail(Send, dict(sent_amount=C.ENDOWMENT + 1))
            yield Send, dict(sent_amount=sent)
        else:
            expect(self.player.id_in_group, 2)
            expect("tripled to 60 points", "in", self.html)
            # the dynamic max is 3 x the amount sent
            yield SubmissionMustFail(
                SendBack, dict(sent_back_amount=cu(61)), error_fields=["sent_back_amount"]
            )
            yield SendBack, dict(sent_back_amount=sent_back)

        if self.player.role == C.SENDER_ROLE:
            expect(self.player.payoff, C.ENDOWMENT - sent + sent_back)
        else:
            expect(self.player.payoff, sent * C.MULTIPLIER - sent_back)
        yield Results
