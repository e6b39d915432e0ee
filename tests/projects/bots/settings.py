"""Fixture project for the bot runner: each config is one thing oTree's bots do."""

SESSION_CONFIGS = [
    # Bots stop when play_round is exhausted, wherever the participant is; a `pass` bot and a
    # bot without play_round play nothing.
    dict(name="duel", app_sequence=["bot_duel", "bot_silent"], num_demo_participants=2),
    dict(name="silent", app_sequence=["bot_silent"], num_demo_participants=1),
    dict(
        name="start_crash",
        app_sequence=["bot_silent"],
        num_demo_participants=1,
        crash_on_start=True,
    ),
    # tests.py reads these flags to misbehave in one way each.
    dict(name="wrong_page", app_sequence=["bot_duel"], num_demo_participants=2, wrong_page=True),
    dict(name="stuck", app_sequence=["bot_duel"], num_demo_participants=2, stop_early=True),
    dict(name="crash", app_sequence=["bot_duel"], num_demo_participants=2, crash=True),
    dict(name="yield_wait", app_sequence=["bot_duel"], num_demo_participants=2, yield_wait=True),
    dict(name="forms", app_sequence=["bot_forms"], num_demo_participants=1),
    dict(name="no_button", app_sequence=["bot_forms"], num_demo_participants=1, no_button=True),
    dict(name="no_field", app_sequence=["bot_forms"], num_demo_participants=1, no_field=True),
    dict(name="passes", app_sequence=["bot_forms"], num_demo_participants=1, must_pass=True),
    dict(
        name="wrong_fields", app_sequence=["bot_forms"], num_demo_participants=1, wrong_fields=True
    ),
    # No bots: error_message on a page without a form, tried over HTTP.
    dict(name="confirm", app_sequence=["bot_confirm"], num_demo_participants=1),
    dict(name="cases", app_sequence=["bot_cases", "bot_cycle"], num_demo_participants=1),
]

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)
PARTICIPANT_FIELDS = ["cases_seen"]
LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
SECRET_KEY = "bot-tests-not-secret"
