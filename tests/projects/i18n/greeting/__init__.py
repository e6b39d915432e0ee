from gettext import gettext

from otree.api import *

doc = "Every text a participant reads, in the project's language."


class C(BaseConstants):
    NAME_IN_URL = "greeting"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    # Translated while the app imports, as oTree allows.
    age = models.IntegerField(label=gettext("How old are you?"), min=16, max=110)


class Ask(Page):
    form_model = "player"
    form_fields = ["age"]
    timeout_seconds = 600


class Wait(WaitPage):
    pass


class Results(Page):
    allow_back_button = True

    @staticmethod
    def vars_for_template(player):
        return dict(thanks=gettext("Thank you"), name="Ann", one=cu(1), three=cu(3))


page_sequence = [Ask, Wait, Results]
