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


def creating_session(subsession: Subsession):
    if subsession.session.config.get("crash_on_start"):
        subsession.session.vars["ratio"] = 1 / 0


class Goodbye(Page):
    pass


page_sequence = [Goodbye]
