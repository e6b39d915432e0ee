"""Everything a running experiment needs, built once by create_app and kept on app.state."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine.plan import PageSlot, build_page_plan
from .models.app_tables import ProjectTables, build_tables
from .models.context import ProjectContext
from .models.database import Database, sqlite_url_for
from .project import Project, load_project
from .project.deployment import Deployment

if TYPE_CHECKING:
    import jinja2

    from .live.group_layer import GroupLayer


@dataclass
class Runtime:
    """The loaded project, its tables, database, templates and group layer."""

    project: Project
    tables: ProjectTables
    database: Database
    context: ProjectContext
    templates: jinja2.Environment
    group_layer: GroupLayer
    debug: bool = True
    deployment: Deployment = field(default_factory=Deployment)
    _plans: dict[tuple[str, ...], list[PageSlot]] = field(default_factory=dict)

    def plan_for(self, app_sequence: list[str] | tuple[str, ...]) -> list[PageSlot]:
        """The page plan of an app sequence (built once, then reused)."""
        key = tuple(app_sequence)
        plan = self._plans.get(key)
        if plan is None:
            plan = build_page_plan([self.project.apps[name] for name in key])
            self._plans[key] = plan
        return plan

    def session_plan(self, session: Any) -> list[PageSlot]:
        """The page plan of a session."""
        return self.plan_for(session.config["app_sequence"])


def build_runtime(
    project: Project | Path | str,
    *,
    database_url: str | None = None,
    group_layer_url: str = "memory://",
    debug: bool = True,
    deployment: Deployment | None = None,
) -> Runtime:
    """Load the project (if given a folder) and assemble its runtime; nothing is connected yet.

    The URLs and debug are given explicitly; `deployment` supplies the rest (pool sizes, the
    waiting sockets' re-read interval), with an empty environment's defaults.
    """
    from .live.group_layer import GroupLayer
    from .project.template_checks import check_templates
    from .templating.environment import build_environment

    loaded = project if isinstance(project, Project) else load_project(project)
    tables = build_tables(loaded.apps.values())
    context = ProjectContext(
        participant_fields=frozenset(loaded.settings.participant_fields),
        session_fields=frozenset(loaded.settings.session_fields),
        currency_format=loaded.settings.currency_format,
        mapped_classes=tables.mapped_classes,
        app_tables=tables.apps,
    )
    templates = build_environment(loaded.root, list(loaded.apps), loaded.settings.language_code)
    check_templates(loaded, templates)
    deployment = deployment or Deployment(project_folder=loaded.root)
    url = database_url or sqlite_url_for(loaded.root / "db.sqlite3")
    return Runtime(
        project=loaded,
        tables=tables,
        database=Database(
            url,
            tables,
            context,
            pool_size=deployment.db_pool_size,
            max_overflow=deployment.db_max_overflow,
        ),
        context=context,
        templates=templates,
        group_layer=GroupLayer.from_url(group_layer_url),
        debug=debug,
        deployment=deployment,
    )


def runtime_for(
    deployment: Deployment, *, group_layer_url: str = "memory://", debug: bool = True
) -> Runtime:
    """The runtime of the deployment's project folder and database; nothing is connected yet."""
    return build_runtime(
        deployment.project_folder,
        database_url=deployment.database_location,
        group_layer_url=group_layer_url,
        debug=debug,
        deployment=deployment,
    )
