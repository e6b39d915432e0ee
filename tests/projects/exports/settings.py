"""Fixture project for the data exports: two apps, three rounds, groups, custom exports."""

SESSION_CONFIGS = [
    dict(
        name="study",
        app_sequence=["export_rounds", "export_survey"],
        num_demo_participants=4,
        treatment="blue",
        show_hint=True,
    ),
    dict(name="survey_only", app_sequence=["export_survey"], num_demo_participants=2),
]

SESSION_CONFIG_DEFAULTS = dict(
    real_world_currency_per_point=0.5, participation_fee=2.0, max_bonus=10
)
PARTICIPANT_FIELDS = ["treatment_seen", "finished_rounds"]
SESSION_FIELDS = ["market_price"]
LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
USE_POINTS = True
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "export-secret"
SECRET_KEY = "export-tests-not-secret"
