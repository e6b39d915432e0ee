from otree.api import *

doc = "A page without a form whose error_message still decides whether one may go on."


class C(BaseConstants):
    NAME_IN_URL = "confirm"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Confirm(Page):
    @staticmethod
    def error_message(player: Player, values):
        if player.participant.label != "ready":
            return "Please wait for the experimenter's signal."


class Thanks(Page):
    pass


page_sequence = [Confirm, Thanks]
