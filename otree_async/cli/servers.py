"""devserver and prodserver: validate the project, prepare the database, then start uvicorn."""

from __future__ import annotations

import socket

import click
import uvicorn

from ..errors import ConfigurationError
from ..live.group_layer import GroupLayer
from ..project.deployment import Deployment, read_deployment, share_with_workers
from ..runtime import Runtime
from .environment import (
    database_url,
    describe_database,
    first_line,
    load_runtime,
    run_with_database,
    without_password,
)

KEEP_ALIVE_SECONDS = 75
APP_FACTORY = "otree_async.web.app:app_from_environment"
DEFAULT_PORT = 8000


def parse_address(address: str | None, default_host: str, default_port: int) -> tuple[str, int]:
    """'PORT' or 'HOST:PORT' (None for the defaults) as (host, port)."""
    if not address:
        return default_host, default_port
    host, _, port_text = address.rpartition(":")
    host = host.strip("[]") or default_host
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise click.BadParameter(
            f"'{address}' is not a port number (1-65535) or HOST:PORT.", param_hint="address"
        )
    return host, int(port_text)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"Cannot listen on {host}:{port} ({exc.strerror}). Another server may be "
                f"running there: stop it, or pass another port (e.g. {port + 1})."
            ) from exc


def _prepare(runtime: Runtime) -> None:
    """Create missing tables once before any worker starts, and reach the group layer."""
    layer_url = runtime.deployment.group_layer_url

    async def work(runtime: Runtime) -> None:
        await runtime.database.create_tables()
        if runtime.group_layer.crosses_processes:
            try:
                await runtime.group_layer.connect()
                await runtime.group_layer.disconnect()
            except Exception as exc:
                raise ConfigurationError(
                    f"Cannot connect to the group layer {without_password(layer_url)}: "
                    f"{first_line(exc)} Check REDIS_URL / OTREE_ASYNC_GROUP_LAYER_URL and that "
                    "the server is running."
                ) from exc

    run_with_database(runtime, work)


def _announce(runtime: Runtime, host: str, port: int, workers: int) -> None:
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"Project:     {runtime.project.root}")
    click.echo(f"Database:    {describe_database(runtime.database.url)}")
    click.echo(f"Group layer: {without_password(runtime.deployment.group_layer_url)}")
    click.echo(f"Workers:     {workers}")
    click.echo(f"Open http://{shown_host}:{port}/demo")


@click.command()
@click.argument("address", required=False, metavar="[PORT]")
def devserver(address: str | None) -> None:
    """Run the development server (reloads on changes).

    Listens on 127.0.0.1:PORT (default 8000). Alias: runserver. Data is kept in db.sqlite3 in
    the project folder (or DATABASE_URL); the server restarts when a *.py or *.html file of the
    project changes.
    """
    host, port = parse_address(address, "127.0.0.1", DEFAULT_PORT)
    deployment = read_deployment()  # a mistyped OTREE_AUTH_LEVEL stops here, not in a worker
    root = deployment.project_folder
    runtime = load_runtime(deployment, layer_url=deployment.group_layer_url)
    _prepare(runtime)
    _check_port_free(host, port)
    share_with_workers(deployment)
    _announce(runtime, host, port, 1)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[str(root)],
        reload_includes=["*.py", "*.html"],
    )


def _refuse_unshared_workers(workers: int, deployment: Deployment) -> None:
    layer_url = deployment.group_layer_url
    if workers > 1 and not GroupLayer.from_url(layer_url).crosses_processes:
        database = describe_database(database_url(deployment))
        raise click.ClickException(
            f"--workers {workers} needs a group layer shared by all workers, but it is "
            f"{layer_url} (one process only) and the database is {database}. "
            "Set REDIS_URL=redis://HOST:6379/0 or OTREE_ASYNC_GROUP_LAYER_URL=postgres://"
            "USER@HOST/DB (and DATABASE_URL=postgres://... for the data), or run one worker."
        )


def _default_port(deployment: Deployment) -> int:
    configured = deployment.port
    if not configured:
        return DEFAULT_PORT
    if not configured.isdigit():
        raise click.ClickException(f"$PORT is '{configured}'; set it to a port number.")
    return int(configured)


@click.command()
@click.argument("address", required=False, metavar="[ADDR:PORT | PORT]")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; more than one needs REDIS_URL (or a postgres group layer).",
)
def prodserver(address: str | None, workers: int) -> None:
    """Run the production server (uvicorn workers).

    Listens on 0.0.0.0, port from ADDR:PORT, PORT, $PORT or 8000. Aliases: runprodserver,
    prodserver1of2, webandworkers. Reads DATABASE_URL (postgres:// accepted; default db.sqlite3)
    and REDIS_URL for the group layer (default memory://). OTREE_PRODUCTION defaults to 1.
    """
    deployment = read_deployment(production_by_default=True)
    host, port = parse_address(address, "0.0.0.0", _default_port(deployment))
    _refuse_unshared_workers(workers, deployment)
    runtime = load_runtime(
        deployment, debug=not deployment.production, layer_url=deployment.group_layer_url
    )
    _prepare(runtime)
    _check_port_free(host, port)
    share_with_workers(deployment)
    _announce(runtime, host, port, workers)
    if workers > 1 and runtime.database.is_sqlite:
        click.echo("Note: several workers share one SQLite file; PostgreSQL scales further.")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # One line per request costs more than the request at hundreds of participants.
        access_log=deployment.access_log,
        # Participants wait on wait pages; keep their connections open across the wait.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
