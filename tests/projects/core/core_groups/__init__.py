from otree.api import *

doc = "Groups of two with roles, three rounds, and an extra model linked to players."


class C(BaseConstants):
    NAME_IN_URL = "groups"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 3
    BUYER_ROLE = "buyer"
    SELLER_ROLE = "seller"


class Subsession(BaseSubsession):
    label = models.StringField()


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    score = models.IntegerField(initial=0)
    note = models.StringField()


class Offer(ExtraModel):
    player = models.Link(Player)
    amount = models.IntegerField()


def creating_session(subsession: Subsession):
    session = subsession.session
    session.round_log = (session.round_log or []) + [subsession.round_number]
    subsession.label = f"round {subsession.round_number}"
    for player in subsession.get_players():
        player.score = subsession.round_number * 100 + player.id_in_subsession


class Play(Page):
    pass


page_sequence = [Play]
