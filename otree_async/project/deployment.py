"""How this process runs a project, read from the environment once at start.

The only module of otree_async that touches os.environ: the command line and each uvicorn
worker call read_deployment() once and pass the result down (build_runtime, create_app).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigurationError
from ..models.database import MAX_OVERFLOW, POOL_SIZE, normalize_database_url, sqlite_url_for

logger = logging.getLogger(__name__)

AUTH_LEVELS = ("", "DEMO", "STUDY")
RECHECK_SECONDS = 20.0
RECHECK_VARIABLE = "OTREE_ASYNC_WAIT_RECHECK_SECONDS"
SQLITE_FILE = "db.sqlite3"


@dataclass(frozen=True)
class Deployment:
    """The environment's settings; the defaults are those of an empty environment."""

    # $OTREE_ASYNC_PROJECT, else the current directory.
    project_folder: Path = field(default_factory=Path.cwd)
    # $DATABASE_URL as given (oTree-style URLs accepted); None: db.sqlite3 in the project.
    database_url: str | None = None
    # $OTREE_ASYNC_GROUP_LAYER_URL, else $REDIS_URL, else one process only.
    group_layer_url: str = "memory://"
    # $OTREE_PRODUCTION set to anything but '' and '0': no debug details for participants.
    production: bool = False
    # $OTREE_AUTH_LEVEL: '' (every admin page open), 'DEMO' or 'STUDY'.
    auth_level: str = ""
    # $OTREE_REST_KEY: what REST clients send in the otree-rest-key header.
    rest_key: str | None = None
    # $PORT as given; prodserver checks it, and only when no address is passed.
    port: str = ""
    # $OTREE_ASYNC_DB_POOL_SIZE / $OTREE_ASYNC_DB_MAX_OVERFLOW: PostgreSQL connections per worker.
    db_pool_size: int = POOL_SIZE
    db_max_overflow: int = MAX_OVERFLOW
    # $OTREE_ASYNC_WAIT_RECHECK_SECONDS: how often waiting sockets re-read the database.
    wait_recheck_seconds: float = RECHECK_SECONDS
    # $OTREE_ASYNC_ACCESS_LOG: one log line per request in prodserver.
    access_log: bool = False

    @property
    def database_location(self) -> str:
        """The database to use: $DATABASE_URL (oTree-style accepted), else the project's SQLite."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        return sqlite_url_for(self.project_folder / SQLITE_FILE)


def read_deployment(
    environ: Mapping[str, str] | None = None,
    *,
    production_by_default: bool = False,
    serving: bool = True,
) -> Deployment:
    """The settings of os.environ (or `environ`); a mistyped value stops here with the reason.

    serving=False (resetdb, zip, ...): the auth level is kept unchecked, since only a server
    uses it and oTree's other commands do not look at it either.
    """
    env = os.environ if environ is None else environ
    production = env.get("OTREE_PRODUCTION")
    auth_level = env.get("OTREE_AUTH_LEVEL", "")
    return Deployment(
        project_folder=Path(env.get("OTREE_ASYNC_PROJECT") or os.getcwd()).resolve(),
        database_url=env.get("DATABASE_URL", "").strip() or None,
        group_layer_url=(
            env.get("OTREE_ASYNC_GROUP_LAYER_URL") or env.get("REDIS_URL") or "memory://"
        ),
        production=production_by_default if production is None else _is_on(production),
        auth_level=parse_auth_level(auth_level) if serving else auth_level.strip().upper(),
        rest_key=env.get("OTREE_REST_KEY") or None,
        port=env.get("PORT", "").strip(),
        db_pool_size=_count(env, "OTREE_ASYNC_DB_POOL_SIZE", POOL_SIZE),
        db_max_overflow=_count(env, "OTREE_ASYNC_DB_MAX_OVERFLOW", MAX_OVERFLOW),
        wait_recheck_seconds=parse_recheck_seconds(env.get(RECHECK_VARIABLE, "")),
        access_log=_is_on(env.get("OTREE_ASYNC_ACCESS_LOG", "")),
    )


def parse_auth_level(configured: str) -> str:
    """OTREE_AUTH_LEVEL, checked: '', 'DEMO' or 'STUDY'."""
    level = configured.strip().upper()
    if level not in AUTH_LEVELS:
        raise ConfigurationError(
            f"OTREE_AUTH_LEVEL is {level!r}; use DEMO, STUDY, or leave it empty (no login)."
        )
    return level


def parse_recheck_seconds(configured: str) -> float:
    """Seconds between the waiting sockets' safety-net re-reads; RECHECK_SECONDS if unset."""
    configured = configured.strip()
    if not configured:
        return RECHECK_SECONDS
    try:
        seconds = float(configured)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds) and seconds > 0:
        return seconds
    # A participant's wait page keeps working on the default instead of failing.
    logger.warning(
        "%s=%r is not a positive number of seconds; wait pages re-read the database every "
        "%g s instead. Set it to e.g. 20, or unset it.",
        RECHECK_VARIABLE,
        configured,
        RECHECK_SECONDS,
    )
    return RECHECK_SECONDS


def _is_on(value: str) -> bool:
    return value not in ("", "0")


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    configured = env.get(name, "").strip()
    if not configured:
        return default
    if not configured.isdigit():
        raise ConfigurationError(f"{name} is {configured!r}; set it to a whole number.")
    return int(configured)


def share_with_workers(deployment: Deployment) -> None:
    """Put the project folder and production mode into os.environ for uvicorn's workers.

    Workers are new processes that build their app from the environment, so what the command
    decided (prodserver's production default, the resolved folder) must be written there.
    """
    os.environ["OTREE_ASYNC_PROJECT"] = str(deployment.project_folder)
    os.environ["OTREE_PRODUCTION"] = "1" if deployment.production else "0"


def child_environment(changes: Mapping[str, str | None]) -> dict[str, str]:
    """os.environ for a subprocess, with `changes` set (None: removed)."""
    environment = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment
