SESSION_CONFIGS = [
    dict(name="timed", app_sequence=["timed"], num_demo_participants=1),
    dict(name="arrival", app_sequence=["arrival"], num_demo_participants=4),
    dict(name="goods", app_sequence=["goods"], num_demo_participants=3),
    dict(name="crowd", app_sequence=["crowd"], num_demo_participants=100),
    dict(name="strict", app_sequence=["strict"], num_demo_participants=1),
    dict(name="moderated", app_sequence=["moderated"], num_demo_participants=4),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)
PARTICIPANT_FIELDS = ["timeouts_seen", "before_next_page_calls"]
SESSION_FIELDS = []
LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
USE_POINTS = True
SECRET_KEY = "multiplayer-tests"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "multiplayer-admin"
