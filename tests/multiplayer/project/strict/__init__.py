from otree.api import *

doc = "A timed page with timeout_submission and an error_message that can reject or crash."


class C(BaseConstants):
    NAME_IN_URL = "strict"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    a = models.IntegerField(min=1, max=10)
    b = models.IntegerField(min=1, max=10)
    note = models.StringField(blank=True)


class Guess(Page):
    form_model = "player"
    form_fields = ["a", "b", "note"]
    timeout_seconds = 60
    timeout_submission = dict(a=5)

    @staticmethod
    def error_message(player: Player, values):
        if values["note"] == "reject":
            return "Rejected."
        if values["note"] == "crash":
            return 1 / 0


class Done(Page):
    pass


page_sequence = [Guess, Done]
