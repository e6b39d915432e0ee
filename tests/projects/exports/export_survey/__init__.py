from otree.api import *

doc = "A one-player questionnaire played twice."


class C(BaseConstants):
    NAME_IN_URL = "export_survey"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    age = models.IntegerField(min=0, max=120)
    comment = models.LongStringField(blank=True)


class Survey(Page):
    form_model = "player"
    form_fields = ["age", "comment"]


page_sequence = [Survey]


def custom_export(players):
    yield ["participant", "round", "age"]
    for player in players:
        yield [player.participant.id_in_session, player.round_number, player.age]
