from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        config = self.session.config
        if config.get("no_field"):
            yield Survey, dict(age=30, nickname="Ann", colour="red")
        if config.get("must_pass"):
            yield SubmissionMustFail(Survey, dict(age=30, nickname="Ann"))
        if config.get("wrong_fields"):
            yield SubmissionMustFail(
                Survey, dict(age=200, nickname="Ann"), error_fields=["nickname"]
            )
        yield SubmissionMustFail(Survey, dict(age=200, nickname="Ann"), error_fields=["age"])
        yield SubmissionMustFail(Survey, dict(age=13, nickname="Ann"), error_fields=["__all__"])
        yield SubmissionMustFail(Survey, dict(nickname="Ann"))
        yield Survey, dict(age=30, nickname="Ann")
        expect(self.player.age, 30)
        expect("Hello Ann.", "in", self.html)
        # No timeout_seconds on Quick: a bot may still submit it as timed out, invalid input
        # and all, and before_next_page hears of it.
        yield Submission(Quick, dict(answer="many"), timeout_happened=True)
        expect(self.player.timed_out, True)
        expect(self.player.answer, 0)  # the invalid answer became the field's default
