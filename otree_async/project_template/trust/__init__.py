from otree.api import *

doc = """
Trust game: the sender decides how much of an endowment to send; the amount is
tripled and the receiver decides how much of it to send back.
"""


class C(BaseConstants):
    NAME_IN_URL = "trust"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    SENDER_ROLE = "Sender"
    RECEIVER_ROLE = "Receiver"
    ENDOWMENT = cu(50)
    MULTIPLIER = 3


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    sent_amount = models.CurrencyField(
        min=0,
        max=C.ENDOWMENT,
        label="How much do you send to the receiver?",
    )
    sent_back_amount = models.CurrencyField(
        min=0,
        label="How much do you send back to the sender?",
    )


class Player(BasePlayer):
    pass


# FUNCTIONS
def sent_back_amount_max(group: Group):
    return group.sent_amount * C.MULTIPLIER


def set_payoffs(group: Group):
    sender = group.get_player_by_role(C.SENDER_ROLE)
    receiver = group.get_player_by_role(C.RECEIVER_ROLE)
    sender.payoff = C.ENDOWMENT - group.sent_amount + group.sent_back_amount
    receiver.payoff = group.sent_amount * C.MULTIPLIER - group.sent_back_amount


# PAGES
class Send(Page):
    form_model = "group"
    form_fields = ["sent_amount"]

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.SENDER_ROLE


class WaitForSender(WaitPage):
    body_text = "Waiting for the sender to decide."


class SendBack(Page):
    form_model = "group"
    form_fields = ["sent_back_amount"]

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.RECEIVER_ROLE

    @staticmethod
    def vars_for_template(player: Player):
        return dict(tripled_amount=player.group.sent_amount * C.MULTIPLIER)


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs


class Results(Page):
    pass


page_sequence = [Send, WaitForSender, SendBack, ResultsWaitPage, Results]
