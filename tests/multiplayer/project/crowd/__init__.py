from otree.api import *

doc = "Everyone in one group reaches one wait page at the same moment."


class C(BaseConstants):
    NAME_IN_URL = "crowd"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    completions = models.IntegerField(initial=0)


class Player(BasePlayer):
    pass


def count_completion(group: Group):
    group.completions += 1


class Start(Page):
    pass


class CrowdWait(WaitPage):
    after_all_players_arrive = count_completion


class End(Page):
    pass


page_sequence = [Start, CrowdWait, End]
