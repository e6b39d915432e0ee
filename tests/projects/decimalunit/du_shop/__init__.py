from otree.api import *
from units import Grams

doc = "Amounts in the project's own units: CurrencyField and cu() are Dollars."


class C(BaseConstants):
    NAME_IN_URL = "shop"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    FEE = cu(0.5)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    price = models.CurrencyField(max=cu(10), label="Your price")
    weight = models.DecimalField(unit=Grams, label="Weight")


class Buy(Page):
    form_model = "player"
    form_fields = ["price", "weight"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.payoff = player.price + C.FEE


class Paid(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(
            kind=type(player.price).__name__,
            weight_kind=type(player.weight).__name__,
            doubled=player.weight * 2,
        )


page_sequence = [Buy, Paid]
