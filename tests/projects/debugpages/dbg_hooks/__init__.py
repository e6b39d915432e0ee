from otree.api import *

doc = "Hooks and templates that fail where the session config's fail_in says."


class C(BaseConstants):
    NAME_IN_URL = "dbg_hooks"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    number = models.IntegerField()

    def explode(self):
        raise RuntimeError("a method called from the template failed")


def fails_in(player: Player, hook: str) -> bool:
    return player.session.config["fail_in"] == hook


class Start(Page):
    form_model = "player"
    form_fields = ["number"]

    @staticmethod
    def vars_for_template(player: Player):
        divisor = 0 if fails_in(player, "vars_for_template") else 1
        secret_note = "<b>not bold</b>"
        return dict(share=10 / divisor, note=secret_note)

    @staticmethod
    def error_message(player: Player, values):
        if fails_in(player, "error_message"):
            return values["no_such_field"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        if fails_in(player, "before_next_page"):
            player.participant.vars["touched"] = True
            raise ValueError(f"cannot use number {player.number}")


class Middle(Page):
    @staticmethod
    def is_displayed(player: Player):
        if fails_in(player, "is_displayed"):
            return player.participant.vars["missing_key"]
        return True


def after_arrival(group: Group):
    if group.session.config["fail_in"] == "after_all_players_arrive":
        raise LookupError("nobody to pair with")


class Gather(WaitPage):
    after_all_players_arrive = after_arrival


class Shown(Page):
    pass


page_sequence = [Start, Middle, Gather, Shown]
