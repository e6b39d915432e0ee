"""Fixture project for oTree 6's CURRENCY_UNIT: amounts in a DecimalUnit of the project."""

SESSION_CONFIGS = [dict(name="shop", app_sequence=["du_shop"], num_demo_participants=1)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = "en"
CURRENCY_UNIT = "units.Dollars"
SECRET_KEY = "decimal-unit-tests"
