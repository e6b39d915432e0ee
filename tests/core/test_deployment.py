"""The environment is read once, in one module, into one Deployment that is passed down."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import otree_async
from otree_async.errors import ConfigurationError
from otree_async.project.deployment import RECHECK_SECONDS, Deployment, read_deployment

PACKAGE = Path(otree_async.__file__).resolve().parent
READER = PACKAGE / "project" / "deployment.py"
ENVIRONMENT_NAMES = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})


def _environment_reads(path: Path) -> list[str]:
    where = path.relative_to(PACKAGE.parent)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Setting one variable for the process (os.environ["LANGUAGE"] = ... for gettext) is no read.
    written = {
        id(target.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Subscript)
    }
    found = []
    for node in ast.walk(tree):
        attribute = isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT_NAMES
        if attribute and id(node) not in written:
            assert isinstance(node, ast.Attribute)
            found.append(f"{where}:{node.lineno}: .{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found.extend(
                f"{where}:{node.lineno}: from os import {alias.name}"
                for alias in node.names
                if alias.name in ENVIRONMENT_NAMES
            )
    return found


def test_no_module_but_the_deployment_reads_the_environment() -> None:
    modules = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        # Authors' settings.py may read the environment; it is their code, not ours.
        if "project_template" not in path.parts and path != READER
    ]
    assert len(modules) > 50
    assert [read for path in modules for read in _environment_reads(path)] == []
    assert _environment_reads(READER), "the deployment module is the one that reads it"


def test_an_empty_environment_gives_the_defaults(tmp_path: Path) -> None:
    deployment = read_deployment({"OTREE_ASYNC_PROJECT": str(tmp_path)})
    assert deployment == Deployment(project_folder=tmp_path.resolve())
    assert deployment.group_layer_url == "memory://"
    assert deployment.wait_recheck_seconds == RECHECK_SECONDS
    assert not deployment.production


def test_every_setting_is_read_from_its_variable(tmp_path: Path) -> None:
    deployment = read_deployment(
        {
            "OTREE_ASYNC_PROJECT": str(tmp_path),
            "DATABASE_URL": " postgres://someone@db/x ",
            "REDIS_URL": "redis://cache:6379/0",
            "OTREE_PRODUCTION": "1",
            "OTREE_AUTH_LEVEL": " study",
            "OTREE_REST_KEY": "s3cret",
            "PORT": "9000",
            "OTREE_ASYNC_DB_POOL_SIZE": "20",
            "OTREE_ASYNC_DB_MAX_OVERFLOW": "5",
            "OTREE_ASYNC_WAIT_RECHECK_SECONDS": "3600",
            "OTREE_ASYNC_ACCESS_LOG": "1",
        }
    )
    assert deployment == Deployment(
        project_folder=tmp_path.resolve(),
        database_url="postgres://someone@db/x",
        group_layer_url="redis://cache:6379/0",
        production=True,
        auth_level="STUDY",
        rest_key="s3cret",
        port="9000",
        db_pool_size=20,
        db_max_overflow=5,
        wait_recheck_seconds=3600.0,
        access_log=True,
    )


def test_prodserver_is_in_production_unless_told_otherwise() -> None:
    assert read_deployment({}, production_by_default=True).production
    assert not read_deployment({"OTREE_PRODUCTION": "0"}, production_by_default=True).production


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("OTREE_AUTH_LEVEL", "STUDDY", "OTREE_AUTH_LEVEL is 'STUDDY'; use DEMO, STUDY"),
        ("OTREE_ASYNC_DB_POOL_SIZE", "ten", "OTREE_ASYNC_DB_POOL_SIZE is 'ten'; set it to a"),
    ],
)
def test_a_mistyped_value_stops_with_the_reason(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        read_deployment({variable: value})


def test_commands_that_serve_nothing_leave_the_auth_level_unchecked() -> None:
    assert read_deployment({"OTREE_AUTH_LEVEL": "studdy"}, serving=False).auth_level == "STUDDY"
