from otree.api import *

doc = "Groups of two formed in order of arrival."


class C(BaseConstants):
    NAME_IN_URL = "arrival"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    formed = models.IntegerField(initial=0)


class Player(BasePlayer):
    pass


def count_formation(group: Group):
    group.formed += 1


class GroupingWaitPage(WaitPage):
    group_by_arrival_time = True
    after_all_players_arrive = count_formation

    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == 1


class Play(Page):
    pass


page_sequence = [GroupingWaitPage, Play]
