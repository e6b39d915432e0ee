"""resetdb and create_session: commands that change the configured database directly."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as DbSession

from ..flow.session_creation import create_session
from ..project.deployment import read_deployment
from ..runtime import Runtime
from .environment import describe_database, load_runtime, run_with_database
from .progress import Progress

BAR_FROM_PARTICIPANTS = 100


def _drop_every_table(connection: Connection) -> None:
    # Reflected rather than taken from the project, so tables of apps that were since removed
    # from settings.py (and could block dropping the framework's tables) go too.
    existing = MetaData()
    existing.reflect(connection)
    existing.drop_all(connection)


@click.command()
@click.option("--noinput", is_flag=True, help="Do not ask for confirmation.")
def resetdb(noinput: bool) -> None:
    """Delete all data and recreate the tables.

    Drops every table of DATABASE_URL (default: db.sqlite3 in the project folder), then
    creates the framework's and the apps' tables.
    """
    runtime = load_runtime(read_deployment(serving=False))
    where = describe_database(runtime.database.url)
    if not noinput and not click.confirm(f"This deletes all data in {where}. Continue?"):
        raise click.ClickException("Nothing was deleted.")

    async def reset(runtime: Runtime) -> None:
        async with runtime.database.engine.begin() as connection:
            await connection.run_sync(_drop_every_table)
        await runtime.database.create_tables()

    run_with_database(runtime, reset)
    click.echo(f"Deleted all data in {where} and created empty tables.")


def _create(
    db: DbSession,
    runtime: Runtime,
    config_name: str,
    count: int,
    room: str | None,
    progress: Progress,
) -> dict[str, Any]:
    session = create_session(
        db, runtime, config_name, count, room_name=room, progress=progress.advance_to
    )
    participants = sorted(session.participants, key=lambda p: p.id_in_session)
    return {
        "code": session.code,
        "anonymous_code": session.anonymous_code,
        "participant_codes": [participant.code for participant in participants],
    }


@click.command("create_session")
@click.argument("config_name", metavar="CONFIG")
@click.argument("num_participants", metavar="N", type=click.IntRange(min=1))
@click.option("--room", help="Put the session in this room of settings.py ROOMS.")
@click.option(
    "--base-url",
    default="http://localhost:8000",
    show_default=True,
    help="Server address printed in the links.",
)
def create_session_command(
    config_name: str, num_participants: int, room: str | None, base_url: str
) -> None:
    """Create a session and print its links.

    Creates a session of session config CONFIG with N participants in DATABASE_URL (default:
    db.sqlite3 in the project folder) and prints the session-wide and participant links.
    """
    runtime = load_runtime(read_deployment(serving=False))
    shown = num_participants >= BAR_FROM_PARTICIPANTS

    async def work(runtime: Runtime) -> dict[str, Any]:
        await runtime.database.create_tables()
        with Progress("Creating the session", 1, shown=shown) as progress:
            async with runtime.database.unit_of_work() as uow:
                return await uow.run(
                    _create, runtime, config_name, num_participants, room, progress
                )

    created = run_with_database(runtime, work)
    base = base_url.rstrip("/")
    click.echo(
        f"Created session {created['code']} (config '{config_name}', "
        f"{num_participants} participants) in {describe_database(runtime.database.url)}."
    )
    click.echo(f"Session-wide link: {base}/join/{created['anonymous_code']}")
    if room:
        click.echo(f"Room link: {base}/room/{room}")
    click.echo(f"Admin page: {base}/SessionStartLinks/{created['code']}")
    click.echo("Participant links:")
    for code in created["participant_codes"]:
        click.echo(f"  {base}/InitializeParticipant/{code}")
