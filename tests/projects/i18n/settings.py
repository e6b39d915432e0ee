"""Fixture project for translations: LANGUAGE_CODE, `_locale/` messages, trans and blocktrans."""

SESSION_CONFIGS = [
    dict(
        name="greeting",
        display_name="Translated pages",
        app_sequence=["greeting"],
        num_demo_participants=2,
    ),
    dict(
        name="arrival",
        display_name="group_by_arrival_time prompt",
        app_sequence=["arrival"],
        num_demo_participants=2,
    ),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = "de"
REAL_WORLD_CURRENCY_CODE = "EUR"
USE_POINTS = True
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "secret"
SECRET_KEY = "i18n-tests"
