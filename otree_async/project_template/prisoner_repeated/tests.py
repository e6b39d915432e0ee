from otree.api import *

from . import *


def chooses_to_cooperate(case, round_number):
    if case == "alternate":
        return round_number % 2 == 1
    return case == "always_cooperate"


class PlayerBot(Bot):
    cases = ["always_cooperate", "always_defect", "alternate"]

    def play_round(self):
        cooperate = chooses_to_cooperate(self.case, self.round_number)

        expect(f"Round {self.round_number} of {C.NUM_ROUNDS}", "in", self.html)
        # one history row per earlier round
        expect(
            self.html.count("<td>Cooperate</td>") + self.html.count("<td>Defect</td>"),
            2 * (self.round_number - 1),
        )
        yield SubmissionMustFail(Decision, {}, error_fields=["cooperate"])
        yield Decision, dict(cooperate=cooperate)

        # every bot plays the same strategy, so both partners chose alike
        expect(self.player.payoff, C.BOTH_COOPERATE if cooperate else C.BOTH_DEFECT)
        expect(len(self.player.get_others_in_group()), 1)
        if self.case == "alternate" and self.round_number == 2:
            expect("This differs from your choice in round 1.", "in", self.html)
        previous = self.player.in_previous_rounds()
        expect(len(previous), self.round_number - 1)
        expect(self.participant.payoff, sum(p.payoff for p in previous) + self.player.payoff)
        yield Results
