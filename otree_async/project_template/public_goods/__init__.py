from otree.api import *

doc = """
Public goods game: three players each get an endowment and choose how much to put
into a common pot. The pot is multiplied and shared equally.
The multiplier comes from the session config key 'multiplier'.
"""


class C(BaseConstants):
    NAME_IN_URL = "public_goods"
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1
    ENDOWMENT = cu(100)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total_contribution = models.CurrencyField()
    individual_share = models.CurrencyField()


class Player(BasePlayer):
    contribution = models.CurrencyField(
        min=0,
        max=C.ENDOWMENT,
        label="How much will you contribute to the group account?",
    )


# FUNCTIONS
def set_payoffs(group: Group):
    players = group.get_players()
    group.total_contribution = sum(p.contribution for p in players)
    multiplier = group.session.config["multiplier"]
    group.individual_share = group.total_contribution * multiplier / C.PLAYERS_PER_GROUP
    for p in players:
        p.payoff = C.ENDOWMENT - p.contribution + group.individual_share


# PAGES
class Contribute(Page):
    form_model = "player"
    form_fields = ["contribution"]


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs
    body_text = "Waiting for the other members of your group to decide."


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(kept=C.ENDOWMENT - player.contribution)


page_sequence = [Contribute, ResultsWaitPage, Results]
