from otree.api import *

doc = "A before_next_page that fails for one value: nothing of the request may be kept."


class C(BaseConstants):
    NAME_IN_URL = "crash"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    value = models.IntegerField()


class Boom(Page):
    form_model = "player"
    form_fields = ["value"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.vars["touched"] = True
        player.payoff = 50
        if player.value == 13:
            raise ValueError("unlucky number")


class After(Page):
    pass


page_sequence = [Boom, After]
