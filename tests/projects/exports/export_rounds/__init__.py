from otree.api import *

doc = "Three rounds in pairs: each player offers an amount, the group adds them up."


class C(BaseConstants):
    NAME_IN_URL = "export_rounds"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 3
    BUYER_ROLE = "buyer"
    SELLER_ROLE = "seller"


class Subsession(BaseSubsession):
    price = models.CurrencyField()


class Group(BaseGroup):
    total_offer = models.CurrencyField(initial=0)
    agreed = models.BooleanField()


class Player(BasePlayer):
    offer = models.CurrencyField(min=0, max=10)
    confident = models.BooleanField()
    note = models.StringField(blank=True)
    share = models.FloatField()


def creating_session(subsession: Subsession):
    subsession.price = subsession.round_number * 2
    if subsession.round_number == 1:
        subsession.session.market_price = 7
        for player in subsession.get_players():
            player.participant.treatment_seen = subsession.session.config.get("treatment", "")


def add_up(group: Group):
    group.total_offer = sum(p.offer for p in group.get_players())
    group.agreed = group.total_offer >= 5
    for player in group.get_players():
        player.payoff = player.offer
        player.share = round(float(player.offer) / float(group.total_offer or 1), 3)
        player.participant.finished_rounds = group.round_number


class Offer(Page):
    form_model = "player"
    form_fields = ["offer", "confident", "note"]


class Together(WaitPage):
    after_all_players_arrive = add_up


class Outcome(Page):
    pass


page_sequence = [Offer, Together, Outcome]


def custom_export(players):
    yield ["session", "participant", "round", "offer", "total"]
    for player in players:
        yield [
            player.session.code,
            player.participant.code,
            player.round_number,
            player.offer,
            player.group.total_offer,
        ]


def custom_export_totals(players):
    yield ["round", "group", "agreed"]
    for player in players:
        if player.id_in_group == 1:
            yield [player.round_number, player.group.id_in_subsession, player.group.agreed]
