from os import environ

SESSION_CONFIGS = [
    dict(
        name="survey",
        display_name="Survey: every field type and widget",
        app_sequence=["survey"],
        num_demo_participants=1,
    ),
    dict(
        name="public_goods",
        display_name="Public goods game (groups of 3)",
        app_sequence=["public_goods"],
        num_demo_participants=3,
        multiplier=2,
    ),
    dict(
        name="trust",
        display_name="Trust game (sender and receiver roles)",
        app_sequence=["trust"],
        num_demo_participants=2,
    ),
    dict(
        name="guess_two_thirds",
        display_name="Guess 2/3 of the average (3 rounds, 2 groups)",
        app_sequence=["guess_two_thirds"],
        num_demo_participants=6,
    ),
    dict(
        name="prisoner_repeated",
        display_name="Repeated prisoner's dilemma with random rematching",
        app_sequence=["prisoner_repeated"],
        num_demo_participants=4,
    ),
    dict(
        name="public_goods_full",
        display_name="Consent, public goods game, payment",
        app_sequence=["intro", "public_goods", "payment_info"],
        num_demo_participants=3,
        multiplier=1.5,
        participation_fee=5.00,
    ),
]

# Settings here are inherited by every entry in SESSION_CONFIGS unless overridden;
# apps read them as session.config['participation_fee'].
SESSION_CONFIG_DEFAULTS = dict(
    real_world_currency_per_point=0.01,
    participation_fee=2.00,
    doc="",
)

PARTICIPANT_FIELDS = ["nickname", "consented"]
SESSION_FIELDS = ["average_guesses"]

ROOMS = [
    dict(
        name="econ101",
        display_name="Econ 101 lab",
        participant_label_file="_rooms/econ101.txt",
    ),
]

LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
USE_POINTS = True

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = environ.get("OTREE_ADMIN_PASSWORD")

DEMO_PAGE_INTRO_HTML = """
<p>Example experiments for <b>otree-async</b>. Each one shows a group of oTree features;
see <code>README.md</code> in this folder.</p>
"""

SECRET_KEY = "examples-not-secret-7f3a9c2e51"
