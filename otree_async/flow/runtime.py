"""Everything a running experiment needs: the project, its tables, database, templates and
group layer. Built once at start (web/assembly.py) and handed to every step."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import jinja2

from ..engine.plan import PageSlot, build_page_plan
from ..models.app_tables import ProjectTables
from ..models.context import ProjectContext
from ..models.database import Database
from ..project import Project
from ..project.deployment import Deployment


class GroupLayerPort(Protocol):
    """What the core and the adapters use of the group layer (live/group_layer.py has it)."""

    @property
    def crosses_processes(self) -> bool:
        """True when a message published by one worker reaches the others."""

    async def connect(self) -> None:
        """Connect and start delivering."""

    async def disconnect(self) -> None:
        """Close every subscription and the connection."""

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Send `message` to every subscriber of `channel`, on every worker."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Any]:
        """Receive what is published on `channel` inside `async with`."""


@dataclass
class Runtime:
    """The loaded project, its tables, database, templates and group layer."""

    project: Project
    tables: ProjectTables
    database: Database
    context: ProjectContext
    templates: jinja2.Environment
    group_layer: GroupLayerPort
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
