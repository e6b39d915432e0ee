"""Fixture project for the debug error pages: each config makes one hook or template fail."""

FAILURES = [
    "vars_for_template",
    "error_message",
    "before_next_page",
    "is_displayed",
    "after_all_players_arrive",
    "missing_include",
    "template_call",
]

SESSION_CONFIGS = [
    dict(name=failure, app_sequence=["dbg_hooks"], num_demo_participants=1, fail_in=failure)
    for failure in FAILURES
] + [dict(name="nothing", app_sequence=["dbg_hooks"], num_demo_participants=1, fail_in="")]

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00)

SECRET_KEY = "debugpages"
