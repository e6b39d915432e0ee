"""makemessages and compilemessages: the project's own translations under `_locale/`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigurationError
from ..i18n.extraction import compile_messages, make_messages
from ..project.deployment import read_deployment


def _project_folder() -> Path:
    root = read_deployment(serving=False).project_folder
    if not (root / "settings.py").is_file():
        raise ConfigurationError(
            f"No settings.py in {root}. Run this command in your project folder."
        )
    return root


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


@click.command("makemessages")
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
        click.echo(f"Wrote {_shown(root, path)}")
    if len(written) == 1:
        click.echo("No language catalogue yet: run `otree-async makemessages -l de` (say).")


@click.command("compilemessages")
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
        click.echo(f"Wrote {_shown(root, path)}")
