"""An oTree 3.x/5 project in the self format (models.py, pages.py, methods taking self)."""

SESSION_CONFIGS = [
    dict(name="pg_self", app_sequence=["pg_self"], num_demo_participants=6, multiplier=2),
    dict(name="sf_more", app_sequence=["sf_more"], num_demo_participants=4),
    dict(name="sf_roles", app_sequence=["sf_roles"], num_demo_participants=4),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
USE_POINTS = True
SECRET_KEY = "self-format-tests"
INSTALLED_APPS = ["otree"]
