from otree.api import *

doc = """
Guess two-thirds of the average, over 3 rounds. The target is two-thirds of the
average guess of everyone in the session, so the wait page waits for all groups.
In each group of 3, the guess closest to the target wins the prize.
"""


class C(BaseConstants):
    NAME_IN_URL = "guess_two_thirds"
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 3
    PRIZE = cu(90)
    MAX_GUESS = 100


class Subsession(BaseSubsession):
    average_guess = models.FloatField()
    target = models.FloatField()


class Group(BaseGroup):
    best_guess = models.IntegerField()


class Player(BasePlayer):
    guess = models.IntegerField(
        min=0,
        max=C.MAX_GUESS,
        label="Pick a number from 0 to 100:",
    )
    is_winner = models.BooleanField(initial=False)


# FUNCTIONS
def creating_session(subsession: Subsession):
    if subsession.round_number == 1:
        subsession.session.average_guesses = []


def set_payoffs(subsession: Subsession):
    players = subsession.get_players()
    guesses = [p.guess for p in players]
    subsession.average_guess = sum(guesses) / len(guesses)
    subsession.target = subsession.average_guess * 2 / 3
    session = subsession.session
    session.average_guesses = [*session.average_guesses, subsession.average_guess]

    for group in subsession.get_groups():
        group_players = group.get_players()
        distances = [abs(p.guess - subsession.target) for p in group_players]
        winners = [p for p, d in zip(group_players, distances, strict=True) if d == min(distances)]
        group.best_guess = winners[0].guess
        for p in winners:
            p.is_winner = True
            p.payoff = C.PRIZE / len(winners)


# PAGES
class Guess(Page):
    form_model = "player"
    form_fields = ["guess"]

    @staticmethod
    def vars_for_template(player: Player):
        return dict(previous_averages=player.session.average_guesses)


class ResultsWaitPage(WaitPage):
    wait_for_all_groups = True
    after_all_players_arrive = set_payoffs


class Results(Page):
    pass


class FinalResults(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == C.NUM_ROUNDS

    @staticmethod
    def vars_for_template(player: Player):
        return dict(
            rounds=player.in_all_rounds(),
            total=sum(p.payoff for p in player.in_all_rounds()),
        )


page_sequence = [Guess, ResultsWaitPage, Results, FinalResults]
