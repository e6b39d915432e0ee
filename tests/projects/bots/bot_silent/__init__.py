from otree.api import *

doc = "A last page without a Next button; its bot is `pass`, as startapp and oTree write it."


class C(BaseConstants):
    NAME_IN_URL = "silent"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Goodbye(Page):
    pass


page_sequence = [Goodbye]
