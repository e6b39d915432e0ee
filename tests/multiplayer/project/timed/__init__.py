from otree.api import *

doc = "A timed page: the server submits it when the deadline passes."


class C(BaseConstants):
    NAME_IN_URL = "timed"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=1, max=10)
    comment = models.StringField()


class Question(Page):
    form_model = "player"
    form_fields = ["answer", "comment"]
    timeout_seconds = 1

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        participant = player.participant
        participant.before_next_page_calls = (participant.before_next_page_calls or 0) + 1
        participant.timeouts_seen = bool(timeout_happened)


class Done(Page):
    pass


page_sequence = [Question, Done]
