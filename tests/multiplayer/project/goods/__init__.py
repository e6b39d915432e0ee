from otree.api import *

doc = "Public goods, 3 players, 5 rounds; counts after_all_players_arrive runs per group."


class C(BaseConstants):
    NAME_IN_URL = "goods"
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 5
    ENDOWMENT = cu(100)
    MULTIPLIER = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total_contribution = models.CurrencyField()
    individual_share = models.CurrencyField()
    payoff_runs = models.IntegerField(initial=0)


class Player(BasePlayer):
    contribution = models.CurrencyField(min=0, max=C.ENDOWMENT, label="How much?")


def set_payoffs(group: Group):
    group.payoff_runs += 1
    players = group.get_players()
    group.total_contribution = sum(p.contribution for p in players)
    group.individual_share = group.total_contribution * C.MULTIPLIER / C.PLAYERS_PER_GROUP
    for p in players:
        p.payoff = C.ENDOWMENT - p.contribution + group.individual_share


class Contribute(Page):
    form_model = "player"
    form_fields = ["contribution"]


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs


class Results(Page):
    pass


page_sequence = [Contribute, ResultsWaitPage, Results]
