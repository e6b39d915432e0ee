from otree import settings
from otree.api import *

doc = "Field keywords oTree ignores, names differing by case, templates chosen per player."


class C(BaseConstants):
    NAME_IN_URL = "misc"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    # 3.x projects wrote roles in lowercase; oTree reads them in any case.
    buyer_role = "Buyer"
    seller_role = "Seller"


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    # solution= and image= are the project's own keywords; oTree keeps them and moves on.
    answer = models.IntegerField(label="What is 2 + 1?", solution=3, image=True)
    PAYOFF = models.IntegerField(initial=7)
    Role = models.StringField(initial="mine")
    age = models.IntegerField(min=16, max=110, label="Your age")
    bid = models.CurrencyField(max=cu(20), label="Your bid")
    share = models.FloatField(min=0, max=1, label="Your share")
    note = models.StringField(max_length=5, label="A short note")


def creating_session(subsession: Subsession):
    for player in subsession.get_players():
        # Not in PARTICIPANT_FIELDS: oTree keeps it only while creating_session runs.
        player.participant.scratch = "temporary"
        player.participant.declared = player.participant.scratch + " but declared"


def answer_error_message(player: Player, value):
    if value != 3:
        return "Count again"


class Ask(Page):
    form_model = "player"
    form_fields = ["answer", "age", "bid", "share", "note"]

    @staticmethod
    def vars_for_template(player: Player):
        return dict(greeting=settings.LONG_TAIL_GREETING, debug="on" if settings.DEBUG else "off")


class Show(Page):
    # oTree calls it on the page object, in the no-self format too.
    def get_template_name(self):
        is_buyer = self.player.role == "Buyer"
        return "lt_misc/ShowBuyer.html" if is_buyer else "lt_misc/ShowSeller.html"

    @staticmethod
    def vars_for_template(player: Player):
        buyer = player.group.get_player_by_role(C.buyer_role)
        return dict(buyer_code=buyer.participant.code)


page_sequence = [Ask, Show]
