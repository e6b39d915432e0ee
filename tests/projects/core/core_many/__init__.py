from otree.api import *

doc = "Groups of five over four rounds: for creating large sessions."


class C(BaseConstants):
    NAME_IN_URL = "many"
    PLAYERS_PER_GROUP = 5
    NUM_ROUNDS = 4


class Subsession(BaseSubsession):
    prepared = models.BooleanField(initial=False)


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField()


def creating_session(subsession: Subsession):
    subsession.prepared = True


class Question(Page):
    form_model = "player"
    form_fields = ["answer"]


page_sequence = [Question]
