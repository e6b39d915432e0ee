from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        # player 1 of every group always guesses lowest, which is closest to the target
        guess = 10 * self.player.id_in_group + self.round_number

        # earlier rounds' averages come from the session field average_guesses
        for earlier_round in range(1, self.round_number):
            expect(f"{20 + earlier_round}.00</span>", "in", self.html)
        yield SubmissionMustFail(Guess, dict(guess=101), error_fields=["guess"])
        yield Guess, dict(guess=guess)

        expect(self.subsession.average_guess, 20 + self.round_number)
        if self.player.id_in_group == 1:
            expect(self.player.is_winner, True)
            expect(self.player.payoff, C.PRIZE)
            expect("You won 90 points", "in", self.html)
        else:
            expect(self.player.payoff, 0)
        yield Results

        if self.round_number == C.NUM_ROUNDS:
            expected_total = C.PRIZE * C.NUM_ROUNDS if self.player.id_in_group == 1 else cu(0)
            expect(self.participant.payoff, expected_total)
            expect(f'<b id="total">{expected_total}</b>', "in", self.html)
            yield FinalResults
