from otree.api import *

doc = "A template with a syntax error: only the configs using this app are refused."


class C(BaseConstants):
    NAME_IN_URL = "broken"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Oops(Page):
    pass


page_sequence = [Oops]
