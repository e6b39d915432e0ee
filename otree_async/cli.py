"""The `otree-async` command line: parse arguments, call the work, print; the only place that
exits the process."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import click

from . import __version__
from .bots.planned_runs import (
    export_folder_for,
    plan_runs,
    play_runs,
    summary_line,
    throwaway_folder,
    throwaway_runtime,
)
from .bots.session_run import describe_failures
from .cli_progress import Progress, bars_for
from .errors import ConfigurationError, OTreeAsyncError
from .flow.session_info import create_session_now
from .i18n.extraction import compile_messages, make_messages
from .models.maintenance import describe_database, reset_database, run_on_database
from .project.archives import unzip_into_folder, zip_into_folder
from .project.deployment import read_deployment
from .project.scaffold import create_app_folder, create_project
from .web import servers
from .web.assembly import runtime_for

# oTree's alternative command names, resolved to ours but not listed in the overview.
ALIASES = {
    "runserver": "devserver",
    "runprodserver": "prodserver",
    "prodserver1of2": "prodserver",
    "runprodserver1of2": "prodserver",
    "webandworkers": "prodserver",
    "bots": "test",
    "runprodserver2of2": "prodserver2of2",
    "timeoutworker": "prodserver2of2",
}
SESSION_BAR_FROM_PARTICIPANTS = 100


class AuthorError(click.ClickException):
    """An OTreeAsyncError shown as one clean message with exit code 1."""


class OTreeAsyncGroup(click.Group):
    """A click group that knows oTree's aliases and prints our errors without a traceback."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Look up a command by name or by one of oTree's aliases."""
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an OTreeAsyncError becomes a one-paragraph error message."""
        try:
            return super().invoke(ctx)
        except OTreeAsyncError as exc:
            raise AuthorError(str(exc)) from exc


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


@click.group(
    "otree-async",
    cls=OTreeAsyncGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Run `otree-async help COMMAND` for the options of one command. oTree's names work "
    "too: runserver, runprodserver, prodserver1of2, webandworkers, bots, runprodserver2of2, "
    "timeoutworker.",
)
@click.version_option(__version__, prog_name="otree-async")
def cli() -> None:
    """Run oTree experiments on otree-async. Run the commands in your project folder."""


@cli.command("help")
@click.argument("command", required=False)
@click.pass_context
def help_command(ctx: click.Context, command: str | None) -> None:
    """Show this overview, or the options of COMMAND."""
    group = ctx.parent
    assert group is not None and isinstance(group.command, click.Group)
    if command is None:
        click.echo(group.get_help())
        return
    found = group.command.get_command(group, command)
    if found is None:
        raise click.exceptions.NoSuchCommand(
            command, possibilities=list(group.command.commands), ctx=ctx
        )
    with click.Context(found, info_name=command, parent=group) as sub_context:
        click.echo(found.get_help(sub_context))


# --- new projects and apps -------------------------------------------------------------------


@cli.command()
@click.argument("name")
@click.option(
    "--noinput", is_flag=True, help="Ask nothing (startproject never asks; accepted like oTree's)."
)
def startproject(name: str, noinput: bool) -> None:
    """Create a new project with the example apps.

    Makes folder NAME with settings.py, _static, _templates and six example apps with bots,
    copied from the installed package (no download).
    """
    target = create_project(name, Path.cwd())
    click.echo(f"Created project '{name}' in {target}, with six example session configs.")
    click.echo("Next steps:")
    click.echo(f"    cd {name}")
    click.echo("    otree-async devserver      # then open http://127.0.0.1:8000/demo")
    click.echo("    otree-async test           # play every session config with bots")


@cli.command()
@click.argument("name")
def startapp(name: str) -> None:
    """Create a new app in the current project.

    Makes folder NAME with __init__.py (a form page and a results page), the two templates
    and a bot in tests.py.
    """
    target = create_app_folder(name, Path.cwd())
    click.echo(f"Created app '{name}' in {target}.")
    click.echo("To play it, add it to a session config's app_sequence in settings.py, e.g.:")
    click.echo(f'    dict(name="{name}", app_sequence=["{name}"], num_demo_participants=1),')


# --- servers ---------------------------------------------------------------------------------


@cli.command()
@click.argument("address", required=False, metavar="[PORT]")
def devserver(address: str | None) -> None:
    """Run the development server (reloads on changes).

    Listens on 127.0.0.1:PORT (default 8000). Alias: runserver. Data is kept in db.sqlite3 in
    the project folder (or DATABASE_URL); the server restarts when a *.py or *.html file of the
    project changes.
    """
    host, port = parse_address(address, "127.0.0.1", servers.DEFAULT_PORT)
    runtime = servers.prepare_server(read_deployment(), host, port)
    click.echo("\n".join(servers.announcement(runtime, host, port, 1)))
    servers.run_devserver(runtime, host, port)


@cli.command()
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
    host, port = parse_address(address, "0.0.0.0", servers.default_port(deployment))
    servers.refuse_unshared_workers(workers, deployment)
    runtime = servers.prepare_server(deployment, host, port)
    click.echo("\n".join(servers.announcement(runtime, host, port, workers)))
    if workers > 1 and runtime.database.is_sqlite:
        click.echo("Note: several workers share one SQLite file; PostgreSQL scales further.")
    servers.run_prodserver(runtime, host, port, workers)


@cli.command("prodserver2of2")
def prodserver2of2() -> None:
    """Do nothing, forever (oTree's legacy second Procfile process).

    Every prodserver worker submits timed-out pages itself, so a Procfile's
    `worker: otree prodserver2of2` line has nothing to run; this keeps it from restarting.
    """
    click.echo("Nothing to run here: every prodserver worker handles timeouts itself.")
    while True:
        time.sleep(3600)


# --- the database ----------------------------------------------------------------------------


@cli.command()
@click.option("--noinput", is_flag=True, help="Do not ask for confirmation.")
def resetdb(noinput: bool) -> None:
    """Delete all data and recreate the tables.

    Drops every table of DATABASE_URL (default: db.sqlite3 in the project folder), then
    creates the framework's and the apps' tables.
    """
    runtime = runtime_for(read_deployment(serving=False))
    where = describe_database(runtime.database.url)
    if not noinput and not click.confirm(f"This deletes all data in {where}. Continue?"):
        raise click.ClickException("Nothing was deleted.")
    run_on_database(runtime.database, lambda: reset_database(runtime.database))
    click.echo(f"Deleted all data in {where} and created empty tables.")


@cli.command("create_session")
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
    runtime = runtime_for(read_deployment(serving=False))
    shown = num_participants >= SESSION_BAR_FROM_PARTICIPANTS
    with Progress("Creating the session", 1, shown=shown) as progress:
        created = run_on_database(
            runtime.database,
            lambda: create_session_now(
                runtime, config_name, num_participants, room, progress.advance_to
            ),
        )
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


# --- bots ------------------------------------------------------------------------------------


@cli.command()
@click.argument("config_name", required=False, metavar="[CONFIG]")
@click.argument("num_participants", required=False, type=click.IntRange(min=1), metavar="[N]")
@click.option(
    "--export",
    "--save",
    "export_path",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH]",
    help="Save the bots' data as CSV files (as the export page has them) in PATH, or in a "
    "new __temp_bots_... folder.",
)
@click.pass_context
def test(
    ctx: click.Context,
    config_name: str | None,
    num_participants: int | None,
    export_path: str | None,
) -> None:
    """Play session configs with bots.

    Plays CONFIG (default: every session config) with N participants. Alias: bots. N defaults to
    the config's num_demo_participants; every bot case is played. The data goes to a throw-away
    database; the project's own database is not touched.
    """
    export_folder = None if export_path is None else export_folder_for(export_path)
    deployment = read_deployment()
    with throwaway_folder() as folder:
        runtime = throwaway_runtime(deployment, folder)
        runs = plan_runs(runtime, config_name, num_participants)
        started = time.perf_counter()
        results = asyncio.run(play_runs(runtime, runs, bars_for(runs), click.echo, export_folder))
    failed = [result for result in results if not result.passed]
    if failed:
        click.echo("\nFailures:\n" + describe_failures(failed))
    click.echo(summary_line(results, time.perf_counter() - started))
    if failed:
        ctx.exit(1)


# --- .otreezip archives ----------------------------------------------------------------------


@cli.command("zip")
def zip_command() -> None:
    """Pack this project into PROJECT.otreezip (for oTree Hub or another machine).

    Leaves out .git, virtualenvs, caches, .env and the database.
    """
    archive = zip_into_folder(read_deployment(serving=False).project_folder, Path.cwd())
    click.echo(f"Saved your project into {archive.name}")


@cli.command("unzip")
@click.argument("archive", type=click.Path(path_type=Path))
def unzip_command(archive: Path) -> None:
    """Unpack an .otreezip into a new folder named after it."""
    target = unzip_into_folder(archive, Path.cwd())
    click.echo(f"Unzipped into {target.name}. Next: cd {target.name}")


@cli.command("zipserver")
@click.argument("archive", required=False, type=click.Path(path_type=Path))
@click.option("--port", default="8000", show_default=True, help="Port of the devserver.")
def zipserver(archive: Path | None, port: str) -> None:
    """Run a project straight from an .otreezip (oTree Studio's download).

    Without ARCHIVE, serves the newest .otreezip in this folder and switches to a newer one
    as soon as it appears.
    """
    servers.serve_archives(archive, Path.cwd(), port, click.echo)


# --- translations ----------------------------------------------------------------------------


def _project_folder() -> Path:
    root = read_deployment(serving=False).project_folder
    if not (root / "settings.py").is_file():
        raise ConfigurationError(
            f"No settings.py in {root}. Run this command in your project folder."
        )
    return root


@cli.command("makemessages")
@click.option(
    "-l",
    "--locale",
    "languages",
    multiple=True,
    metavar="LANGUAGE",
    help="Create or update the catalogue of this language (e.g. de, zh-hans); repeatable.",
)
def makemessages(languages: tuple[str, ...]) -> None:
    """Extract the project's messages into _locale/.

    Collects {{ trans }} and {{ blocktrans }} from templates and gettext() calls from Python
    files into _locale/messages.pot, and creates or updates _locale/LANGUAGE/LC_MESSAGES/
    messages.po for each -l LANGUAGE and each language already there. Translate the .po
    files, then run compilemessages.
    """
    root = _project_folder()
    written = make_messages(root, list(languages))
    for path in written:
        click.echo(f"Wrote {path.relative_to(root).as_posix()}")
    if len(written) == 1:
        click.echo("No language catalogue yet: run `otree-async makemessages -l de` (say).")


@cli.command("compilemessages")
def compilemessages() -> None:
    """Compile _locale/*/LC_MESSAGES/messages.po into the .mo files the server reads."""
    root = _project_folder()
    written = compile_messages(root)
    if not written:
        raise ConfigurationError(
            "No _locale/LANGUAGE/LC_MESSAGES/messages.po to compile; "
            "run `otree-async makemessages -l LANGUAGE` first."
        )
    for path in written:
        click.echo(f"Wrote {path.relative_to(root).as_posix()}")


def main() -> None:
    """Console-script entry point of `otree-async`."""
    cli(prog_name="otree-async")


if __name__ == "__main__":
    main()
