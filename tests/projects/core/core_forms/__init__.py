from otree.api import *

doc = "Form validation and page hooks, one participant."


class C(BaseConstants):
    NAME_IN_URL = "forms"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    GREETING = "Greetings from C"


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    age = models.IntegerField(min=18, max=99, label="Your age")
    color = models.StringField(choices=["red", "green", "blue"], label="Favourite colour")
    comment = models.LongStringField(blank=True, label="Any comment")
    even = models.IntegerField(label="An even number")
    low = models.IntegerField(label="Low")
    high = models.IntegerField(label="High")
    skip_next = models.BooleanField(label="Skip the next page?")


def creating_session(subsession: Subsession):
    for player in subsession.get_players():
        player.participant.history = []


def even_error_message(player: Player, value):
    if value % 2:
        return "Please enter an even number"


class Intro(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(extra_text="from vars_for_template")


class Profile(Page):
    form_model = "player"
    form_fields = ["age", "color", "comment", "even"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.history.append("Profile")


class Bounds(Page):
    form_model = "player"
    form_fields = ["low", "high"]

    @staticmethod
    def error_message(player: Player, values):
        if values["high"] <= values["low"]:
            return {"high": "High must be above low"}
        if values["low"] + values["high"] > 100:
            return "Low and high together must not exceed 100"


class Decide(Page):
    form_model = "player"
    form_fields = ["skip_next"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.vars["decide_timeout_happened"] = timeout_happened
        player.participant.history.append("Decide")


class Skippable(Page):
    @staticmethod
    def is_displayed(player: Player):
        return not player.skip_next

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.history.append("Skippable")


class End(Page):
    pass


page_sequence = [Intro, Profile, Bounds, Decide, Skippable, End]
