"""Fixture project for the core tests: forms, groups and rounds, wait pages, app skipping."""

SESSION_CONFIGS = [
    dict(
        name="forms",
        display_name="Forms and page hooks",
        app_sequence=["core_forms"],
        num_demo_participants=1,
    ),
    dict(
        name="groups",
        display_name="Groups, roles and rounds",
        app_sequence=["core_groups"],
        num_demo_participants=4,
    ),
    dict(
        name="waits",
        display_name="Wait pages",
        app_sequence=["core_waits"],
        num_demo_participants=4,
    ),
    dict(
        name="skip",
        display_name="Skipping apps",
        app_sequence=["core_skip_start", "core_forms", "core_skip_end"],
        num_demo_participants=1,
    ),
    dict(
        name="crash",
        display_name="A hook that fails",
        app_sequence=["core_crash"],
        num_demo_participants=1,
    ),
    dict(
        name="back",
        display_name="The Back button",
        app_sequence=["core_back"],
        num_demo_participants=1,
    ),
    dict(
        name="many",
        display_name="Many rounds for many participants",
        app_sequence=["core_many", "core_skip_end"],
        num_demo_participants=5,
    ),
]

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)

PARTICIPANT_FIELDS = ["nickname", "history"]
SESSION_FIELDS = ["round_log"]

DEMO_PAGE_TITLE = "Core fixture demo"
SECRET_KEY = "core-tests-not-secret"
