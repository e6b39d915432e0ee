from otree.api import *

doc = """
A one-person questionnaire that uses every field type and widget, static and
dynamic validation, a conditionally displayed page, vars_for_template and js_vars.
"""


class C(BaseConstants):
    NAME_IN_URL = "survey"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    COLOURS = ["Red", "Green", "Blue", "Yellow"]
    MAX_DONATION = cu(100)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    # About
    first_name = models.StringField(label="What is your first name?")
    age = models.IntegerField(label="How old are you?", min=16, max=110)
    email = models.StringField(
        label="Your email address",
        help_text="We only use it to send you the study results.",
    )
    is_student = models.BooleanField(label="Are you currently a student?")
    country = models.StringField(
        label="Where do you live?",
        choices=["Canada", "France", "Germany", "India", "USA", "Other"],
        initial="Other",
    )
    favourite_colour = models.StringField(
        label="Which colour do you like most?",
        choices=C.COLOURS,
        widget=widgets.RadioSelect,
    )

    # StudentDetails (only for students)
    field_of_study = models.StringField(
        label="What do you study?",
        choices=[
            ["econ", "Economics"],
            ["psych", "Psychology"],
            ["cs", "Computer science"],
            ["other", "Something else"],
        ],
    )
    study_hours = models.FloatField(label="Hours of study per week", max=100)

    # Habits
    sleep_hours = models.FloatField(label="Hours of sleep on a typical day", max=24)
    work_hours = models.FloatField(label="Hours of work on a typical day", max=24)
    years_in_city = models.IntegerField(label="How many years have you lived in your current city?")

    # Opinions
    second_colour = models.StringField(
        label="And your second favourite colour?",
        widget=widgets.RadioSelectHorizontal,
    )
    satisfaction = models.IntegerField(
        label="How satisfied are you with your life (1 = not at all, 5 = very)?",
        choices=[1, 2, 3, 4, 5],
        widget=widgets.RadioSelectHorizontal,
        initial=3,
    )
    wants_newsletter = models.BooleanField(
        label="Send me the newsletter",
        widget=widgets.CheckboxInput,
        blank=True,
    )
    donation = models.CurrencyField(
        label="How many of your points would you donate to charity?",
        max=C.MAX_DONATION,
        help_text="You may donate from 0 to 100 points.",
    )
    motto = models.StringField(
        label="Your personal motto, in a sentence or two",
        widget=widgets.TextArea,
    )
    comments = models.LongStringField(
        label="Any other comments? (optional)",
        blank=True,
    )


# FUNCTIONS
def email_error_message(player: Player, value):
    if "@" not in value:
        return "Please enter a valid email address."


def years_in_city_max(player: Player):
    return player.age


def second_colour_choices(player: Player):
    return [c for c in C.COLOURS if c != player.favourite_colour]


# PAGES
class About(Page):
    form_model = "player"
    form_fields = [
        "first_name",
        "age",
        "email",
        "is_student",
        "country",
        "favourite_colour",
    ]


class StudentDetails(Page):
    form_model = "player"
    form_fields = ["field_of_study", "study_hours"]

    @staticmethod
    def is_displayed(player: Player):
        return player.is_student


class Habits(Page):
    form_model = "player"
    form_fields = ["sleep_hours", "work_hours", "years_in_city"]
    # {{ back_button }} in Habits.html returns to the previous page shown (oTree 6).
    allow_back_button = True

    @staticmethod
    def error_message(player: Player, values):
        if values["sleep_hours"] + values["work_hours"] > 24:
            return "Sleep and work together cannot exceed 24 hours a day."


class Opinions(Page):
    form_model = "player"
    # A reload of the tab keeps what was typed but not yet submitted (oTree 6).
    preserve_unsubmitted_inputs = True
    form_fields = [
        "second_colour",
        "satisfaction",
        "wants_newsletter",
        "donation",
        "motto",
        "comments",
    ]


class Summary(Page):
    @staticmethod
    def vars_for_template(player: Player):
        free_hours = 24 - player.sleep_hours - player.work_hours
        answers = [
            ("Name", player.first_name),
            ("Age", player.age),
            ("Country", player.country),
            ("Colours", f"{player.favourite_colour}, then {player.second_colour}"),
        ]
        if player.is_student:
            answers.append(("Studies", player.field_display("field_of_study")))
        return dict(answers=answers, free_hours=free_hours)

    @staticmethod
    def js_vars(player: Player):
        return dict(first_name=player.first_name, satisfaction=player.satisfaction)


page_sequence = [About, StudentDetails, Habits, Opinions, Summary]
