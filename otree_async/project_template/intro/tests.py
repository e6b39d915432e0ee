from otree.api import *

from . import *


class PlayerBot(Bot):
    cases = ["consent", "decline"]

    def play_round(self):
        consent = self.case == "consent"
        nickname = f"bot{self.participant.id_in_session}"
        expect("$5.00", "in", self.html)
        yield SubmissionMustFail(
            Consent, dict(nickname="x" * 21, consent=True), error_fields=["nickname"]
        )
        yield Consent, dict(nickname=nickname, consent=consent)
        expect(self.participant.nickname, nickname)
        expect(self.participant.consented, consent)
