"""The `otree-async` command line: the only place that exits the process."""

from __future__ import annotations

from typing import Any

import click

from .. import __version__
from ..errors import OTreeAsyncError
from . import archives, bots, database, scaffold, servers, translations

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


for _command in (
    scaffold.startproject,
    scaffold.startapp,
    servers.devserver,
    servers.prodserver,
    database.resetdb,
    database.create_session_command,
    bots.test,
    archives.zip_command,
    archives.unzip_command,
    archives.zipserver,
    archives.prodserver2of2,
    translations.makemessages,
    translations.compilemessages,
):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point of `otree-async`."""
    cli(prog_name="otree-async")
