"""startproject and startapp: project and app folders from templates shipped with the package."""

from __future__ import annotations

import keyword
import re
import secrets
import shutil
import sys
from pathlib import Path

import click

from .app_template import app_files

TEMPLATE_FOLDER = Path(__file__).resolve().parent.parent / "project_template"
# Stored without the dot so that packaging tools do not skip it.
RENAMED_ON_COPY = {"gitignore": ".gitignore"}
NOT_COPIED = ("__pycache__", "*.pyc", "db.sqlite3*", "*.sqlite3")
SECRET_KEY_LINE = re.compile(r"^SECRET_KEY\s*=.*$", re.MULTILINE)
RESERVED_APP_NAMES = frozenset({"otree", "otree_async", "settings", "tests"})


def template_folder() -> Path:
    """The project template installed with the package (a copy of examples/)."""
    return TEMPLATE_FOLDER


def _check_name(kind: str, name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise click.ClickException(
            f"'{name}' is not a valid {kind} name. Use letters, digits and underscores, "
            f"starting with a letter (for example my_{kind})."
        )


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise click.ClickException(
            f"{path} already exists. Choose another name or remove the existing folder."
        )


@click.command()
@click.argument("name")
@click.option(
    "--noinput", is_flag=True, help="Ask nothing (startproject never asks; accepted like oTree's)."
)
def startproject(name: str, noinput: bool) -> None:
    """Create a new project with the example apps.

    Makes folder NAME with settings.py, _static, _templates and six example apps with bots,
    copied from the installed package (no download).
    """
    _check_name("project", name)
    target = Path.cwd() / name
    _refuse_existing(target)
    shutil.copytree(template_folder(), target, ignore=shutil.ignore_patterns(*NOT_COPIED))
    for stored, real in RENAMED_ON_COPY.items():
        if (target / stored).exists():
            (target / stored).rename(target / real)
    settings = target / "settings.py"
    fresh_key = f'SECRET_KEY = "{secrets.token_urlsafe(32)}"'
    text, count = SECRET_KEY_LINE.subn(fresh_key, settings.read_text(encoding="utf-8"), count=1)
    settings.write_text(text if count else f"{text}\n{fresh_key}\n", encoding="utf-8")
    click.echo(f"Created project '{name}' in {target}, with six example session configs.")
    click.echo("Next steps:")
    click.echo(f"    cd {name}")
    click.echo("    otree-async devserver      # then open http://127.0.0.1:8000/demo")
    click.echo("    otree-async test           # play every session config with bots")


@click.command()
@click.argument("name")
def startapp(name: str) -> None:
    """Create a new app in the current project.

    Makes folder NAME with __init__.py (a form page and a results page), the two templates
    and a bot in tests.py.
    """
    _check_name("app", name)
    if name in RESERVED_APP_NAMES or name in sys.stdlib_module_names:
        raise click.ClickException(
            f"'{name}' is the name of a Python module the app would hide; choose another name."
        )
    project = Path.cwd()
    if not (project / "settings.py").is_file():
        raise click.ClickException(
            f"No settings.py in {project}. Run startapp in your project folder "
            "(create one with `otree-async startproject NAME`)."
        )
    target = project / name
    _refuse_existing(target)
    target.mkdir()
    for file_name, text in app_files(name).items():
        (target / file_name).write_text(text, encoding="utf-8")
    click.echo(f"Created app '{name}' in {target}.")
    click.echo("To play it, add it to a session config's app_sequence in settings.py, e.g.:")
    click.echo(f'    dict(name="{name}", app_sequence=["{name}"], num_demo_participants=1),')
