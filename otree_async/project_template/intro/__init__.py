from otree.api import *

doc = """
Consent form and nickname, stored on the participant (PARTICIPANT_FIELDS) so later
apps can use them. Participants who decline skip straight to the payment_info app.
"""


class C(BaseConstants):
    NAME_IN_URL = "intro"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    nickname = models.StringField(
        label="Choose a nickname for this session",
        max_length=20,
    )
    consent = models.BooleanField(
        label="I have read the information above and agree to take part.",
        choices=[[True, "I agree"], [False, "I do not agree"]],
        widget=widgets.RadioSelect,
    )


# PAGES
class Consent(Page):
    form_model = "player"
    form_fields = ["nickname", "consent"]

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        participant = player.participant
        participant.nickname = player.nickname
        participant.consented = player.consent

    @staticmethod
    def app_after_this_page(player: Player, upcoming_apps):
        if not player.consent:
            return "payment_info"


page_sequence = [Consent]
