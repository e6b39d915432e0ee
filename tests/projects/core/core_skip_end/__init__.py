from otree.api import *

doc = "The last app of a sequence."


class C(BaseConstants):
    NAME_IN_URL = "skip_end"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Final(Page):
    pass


page_sequence = [Final]
