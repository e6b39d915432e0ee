from otree.api import *

doc = "Group wait pages, a wait page for all groups, after_all_players_arrive by name."


class C(BaseConstants):
    NAME_IN_URL = "waits"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    all_groups_count = models.IntegerField(initial=0)


class Group(BaseGroup):
    arrive_count = models.IntegerField(initial=0)
    named_count = models.IntegerField(initial=0)


class Player(BasePlayer):
    pass


def count_group_arrivals(group: Group):
    group.arrive_count += 1
    log = group.session.vars.setdefault("after_all_players_arrive", [])
    log.append(group.id_in_subsession)


def count_by_name(group: Group):
    group.named_count += 1


def count_all_groups(subsession: Subsession):
    subsession.all_groups_count += 1


class Start(Page):
    pass


class GroupWait(WaitPage):
    after_all_players_arrive = count_group_arrivals


class Middle(Page):
    pass


class NamedWait(WaitPage):
    after_all_players_arrive = "count_by_name"


class AllGroupsWait(WaitPage):
    wait_for_all_groups = True
    after_all_players_arrive = count_all_groups


class Finish(Page):
    pass


page_sequence = [Start, GroupWait, Middle, NamedWait, AllGroupsWait, Finish]
