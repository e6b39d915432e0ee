"""pytest plugin: in a project folder, `pytest` runs each session config's bots as a test."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..errors import OTreeAsyncError
from ..project import load_project
from .session_run import describe_failures, run_bots_in_fresh_database


def pytest_addoption(parser: pytest.Parser) -> None:
    """--otree-participants N: play N participants instead of num_demo_participants."""
    group = parser.getgroup("otree-async")
    group.addoption(
        "--otree-participants",
        type=int,
        default=None,
        help="number of participants for each session config's bots",
    )


def _is_project_settings(file_path: Path, config: pytest.Config) -> bool:
    # Only the project the user runs pytest in; settings.py files of fixtures elsewhere
    # in a repository are not experiments to play.
    folder = file_path.parent.resolve()
    return file_path.name == "settings.py" and folder in {
        Path(config.rootpath).resolve(),
        Path(config.invocation_params.dir).resolve(),
    }


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect settings.py of the project folder as the bots of its session configs."""
    if _is_project_settings(file_path, parent.config):
        collector: pytest.Collector = ProjectBots.from_parent(parent, path=file_path)
        return collector
    return None


class ProjectBots(pytest.File):
    """The session configs of a project, one test each."""

    def collect(self) -> Iterator[pytest.Item]:
        """One item per session config."""
        try:
            project = load_project(self.path.parent)
        except OTreeAsyncError as exc:
            raise self.CollectError(str(exc)) from exc
        for name in project.settings.session_configs:
            yield ConfigBots.from_parent(self, name=name, config_name=name)


class ConfigBots(pytest.Item):
    """The bots of one session config."""

    def __init__(self, *, config_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config_name = config_name

    def runtest(self) -> None:
        """Play the config's bots through the real HTTP routes."""
        count = self.config.getoption("otree_participants")
        results = asyncio.run(
            run_bots_in_fresh_database(self.path.parent, [self.config_name], count)
        )
        report = describe_failures(results)
        if report:
            raise BotsFailed(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """Show the bots' own failure messages, without a framework traceback."""
        if isinstance(excinfo.value, BotsFailed | OTreeAsyncError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the test comes from."""
        return self.path, 0, f"bots of session config '{self.config_name}'"


class BotsFailed(Exception):
    """A config's bots failed; the message lists each participant's failure."""
