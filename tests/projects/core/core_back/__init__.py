from otree.api import *

doc = "The Back button: allowed pages, skipped pages, wait pages and the first page."


class C(BaseConstants):
    NAME_IN_URL = "back"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=1, max=10, label="Your answer")
    sure = models.BooleanField(label="Are you sure?")
    remark = models.StringField(blank=True, label="Remark")


class Start(Page):
    allow_back_button = True


class Answer(Page):
    form_model = "player"
    form_fields = ["answer"]
    allow_back_button = True


class Hidden(Page):
    @staticmethod
    def is_displayed(player: Player):
        return False


class Confirm(Page):
    form_model = "player"
    form_fields = ["sure"]
    allow_back_button = True
    timeout_seconds = 600

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.vars["confirmed"] = player.participant.vars.get("confirmed", 0) + 1


class Sync(WaitPage):
    pass


class AfterSync(Page):
    allow_back_button = True


class Locked(Page):
    form_model = "player"
    form_fields = ["remark"]


class End(Page):
    pass


page_sequence = [Start, Answer, Hidden, Confirm, Sync, AfterSync, Locked, End]
