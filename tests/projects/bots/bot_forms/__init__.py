from otree.api import *

doc = "A form with field and page errors, and a page a bot submits as if its time ran out."


class C(BaseConstants):
    NAME_IN_URL = "forms"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    age = models.IntegerField(min=0, max=120)
    nickname = models.StringField()
    answer = models.IntegerField()
    timed_out = models.BooleanField(initial=False)


class Survey(Page):
    form_model = "player"
    form_fields = ["age", "nickname"]

    @staticmethod
    def vars_for_template(player: Player):
        return dict(show_next=not player.session.config.get("no_button"))

    @staticmethod
    def error_message(player: Player, values):
        if values["age"] == 13:
            return "Thirteen is not allowed."


class Quick(Page):
    form_model = "player"
    form_fields = ["answer"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.timed_out = timeout_happened


class Done(Page):
    pass


page_sequence = [Survey, Quick, Done]
