from otree.api import *

doc = "Two players choose with buttons (no Next button), wait, and see a result page."


class C(BaseConstants):
    NAME_IN_URL = "duel"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    choice = models.IntegerField(choices=[1, 2])


def add_up(group: Group):
    if group.session.config.get("crash"):
        group.total = 1 // 0
    group.total = sum(p.choice for p in group.get_players())


class Choose(Page):
    form_model = "player"
    form_fields = ["choice"]


class Together(WaitPage):
    after_all_players_arrive = add_up


class Outcome(Page):
    pass


page_sequence = [Choose, Together, Outcome]
