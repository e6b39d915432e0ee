from otree.api import *

doc = """
Last app of a sequence: shows the nickname chosen in the intro app and the total
payment (points converted to money plus the participation fee).
"""


class C(BaseConstants):
    NAME_IN_URL = "payment_info"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


# PAGES
class PaymentInfo(Page):
    @staticmethod
    def vars_for_template(player: Player):
        participant = player.participant
        return dict(
            nickname=participant.nickname,
            consented=participant.consented,
            total_payment=participant.payoff_plus_participation_fee(),
        )


page_sequence = [PaymentInfo]
