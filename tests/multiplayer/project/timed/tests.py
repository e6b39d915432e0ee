from otree.api import Bot, Submission, expect

from . import Done, Question


class PlayerBot(Bot):
    def play_round(self):
        yield Submission(Question, dict(answer=3), timeout_happened=True)
        expect(self.player.answer, 3)
        expect(self.player.comment, "")
        yield Done
