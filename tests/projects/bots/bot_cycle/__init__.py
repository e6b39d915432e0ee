from otree.api import *

doc = "The app after bot_cases, with a shorter list of bot cases."


class C(BaseConstants):
    NAME_IN_URL = "cycle"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Again(Page):
    pass


page_sequence = [Again]
