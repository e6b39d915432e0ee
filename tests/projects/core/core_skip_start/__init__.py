from otree.api import *

doc = "app_after_this_page: jump over the next app."


class C(BaseConstants):
    NAME_IN_URL = "skip_start"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    go_to_end = models.BooleanField(label="Jump to the last app?")


class Jump(Page):
    form_model = "player"
    form_fields = ["go_to_end"]

    @staticmethod
    def app_after_this_page(player: Player, upcoming_apps):
        player.participant.vars["upcoming_apps"] = upcoming_apps
        if player.go_to_end:
            return upcoming_apps[-1]


class AfterJump(Page):
    pass


page_sequence = [Jump, AfterJump]
