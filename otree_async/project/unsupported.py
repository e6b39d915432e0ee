"""oTree features otree-async does not have yet, found at start instead of ignored.

An app that uses one is refused with a message naming the app, the feature and that it is not
supported yet: ignored, it would load and then break in the browser (a live page's
`liveSend is not defined`, a page missing the data its config should have mocked). Features of
the experimenter's side whose absence changes nothing for participants are named in a warning.
"""

from __future__ import annotations

from .descriptions import App, Project, SessionConfig

# Attributes of a Page or WaitPage that only an unsupported feature reads.
PAGE_FEATURES = {
    "live_method": "live pages (live_method, liveSend/liveRecv)",
}


def unsupported_in_app(app: App) -> list[str]:
    """One message per feature of oTree this app uses that otree-async does not support yet."""
    where = app.folder / "__init__.py"
    problems: list[str] = []
    for page in app.page_sequence:
        for attribute, feature in PAGE_FEATURES.items():
            if getattr(page, attribute, None) is not None:
                problems.append(
                    f"{where}: app '{app.name}', page '{page.__name__}' uses {feature}, which "
                    "otree-async does not support yet. Run this app on oTree, or remove "
                    f"{attribute} from the page."
                )
        # oTree 6 renders a page from `Page_html.py` when that file exists, before any .html.
        python_page = app.folder / f"{page.__name__}_html.py"
        if python_page.is_file():
            problems.append(
                f"{python_page}: app '{app.name}', page '{page.__name__}' is written in Python "
                "(a _html.py page), which otree-async does not support yet. Write it as "
                f"{page.__name__}.html."
            )
    return problems


def unsupported_in_config(config: SessionConfig, where: str) -> list[str]:
    """Messages for session config keys whose feature otree-async does not support yet."""
    if config.values.get("mock_exogenous_data"):
        return [
            f"{where}: session config '{config.name}' sets mock_exogenous_data (shared_out.py's "
            "mock_exogenous_data(session)), which otree-async does not support yet. Remove the "
            "key, or set the data in creating_session."
        ]
    return []


def unsupported_notes(project: Project) -> list[str]:
    """Warnings for experimenter-side features the project uses that do not exist yet."""
    notes = [
        f"App '{app.name}' defines vars_for_admin_report; otree-async has no admin report page "
        "yet, so the report is not shown."
        for app in project.apps.values()
        if app.hook("vars_for_admin_report") is not None
    ]
    notes.extend(
        f"Session config '{config.name}' sets use_browser_bots; otree-async does not support "
        "browser bots yet, so its demo sessions are played by hand."
        for config in project.settings.session_configs.values()
        if config.values.get("use_browser_bots")
    )
    return notes
