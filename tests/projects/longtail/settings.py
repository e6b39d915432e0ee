"""Fixture project for the compatibility long tail (issue 9): oTree behaviours real projects
rely on that are easy to miss."""

SESSION_CONFIGS = [
    dict(name="misc", app_sequence=["lt_misc"], num_demo_participants=2),
    # Refused with their reasons; the project starts all the same, as oTree does.
    dict(name="broken_template", app_sequence=["lt_misc", "lt_broken"], num_demo_participants=2),
    dict(name="odd_groups", app_sequence=["lt_misc"], num_demo_participants=3),
]

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)

PARTICIPANT_FIELDS = ["declared"]
SESSION_FIELDS = []
LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
USE_POINTS = True
POINTS_CUSTOM_NAME = "tokens"
SECRET_KEY = "long-tail-tests"
LONG_TAIL_GREETING = "hello from settings.py"

ROOMS = [dict(name="lab", display_name="The lab", participant_label_file="_rooms/lab.txt")]
