from otree.api import *

doc = "Three bot cases here, two in the next app: oTree cycles each app's list."


class C(BaseConstants):
    NAME_IN_URL = "cases"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    label = models.StringField()


class Hello(Page):
    form_model = "player"
    form_fields = ["label"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.cases_seen = player.label


page_sequence = [Hello]
