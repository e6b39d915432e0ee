from otree.api import *

doc = "A group_by_arrival_time wait page, which asks whether the participant is still there."


class C(BaseConstants):
    NAME_IN_URL = "arrival"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Arrive(WaitPage):
    group_by_arrival_time = True


class Done(Page):
    pass


page_sequence = [Arrive, Done]
