"""Assembling a running experiment: load the project, build its tables, templates, database
and group layer into a Runtime; nothing is connected yet."""

from __future__ import annotations

import logging
from pathlib import Path

from ..flow.runtime import Runtime
from ..live.group_layer import GroupLayer
from ..models.app_tables import build_tables
from ..models.context import ProjectContext
from ..models.database import Database, sqlite_url_for
from ..project import Project, load_project
from ..project.deployment import Deployment
from ..project.template_checks import check_templates
from ..templating.environment import build_environment

logger = logging.getLogger("otree_async.project")


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
    loaded = project if isinstance(project, Project) else load_project(project, debug=debug)
    tables = build_tables(loaded.apps.values())
    context = ProjectContext(
        participant_fields=frozenset(loaded.settings.participant_fields),
        session_fields=frozenset(loaded.settings.session_fields),
        currency_format=loaded.settings.currency_format,
        mapped_classes=tables.mapped_classes,
        app_tables=tables.apps,
        rooms=dict(loaded.settings.rooms),
        auto_tabulate_payoffs=loaded.settings.auto_tabulate_payoffs,
    )
    templates = build_environment(loaded.root, list(loaded.apps), loaded.settings.language_code)
    check_templates(loaded, templates)
    for name, reason in loaded.refused_configs.items():
        logger.warning("Session config '%s' cannot run until this is fixed:\n%s", name, reason)
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
