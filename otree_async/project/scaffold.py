"""New projects and apps: startproject copies the template shipped with the package, startapp
writes a one-page app in oTree's no-self format."""

from __future__ import annotations

import keyword
import re
import secrets
import shutil
import sys
from pathlib import Path

from ..errors import ConfigurationError

TEMPLATE_FOLDER = Path(__file__).resolve().parent.parent / "project_template"
# Stored without the dot so that packaging tools do not skip it.
RENAMED_ON_COPY = {"gitignore": ".gitignore"}
NOT_COPIED = ("__pycache__", "*.pyc", "db.sqlite3*", "*.sqlite3")
SECRET_KEY_LINE = re.compile(r"^SECRET_KEY\s*=.*$", re.MULTILINE)
RESERVED_APP_NAMES = frozenset({"otree", "otree_async", "settings", "tests"})

INIT_PY = '''\
from otree.api import *

doc = """
Your app description
"""


class C(BaseConstants):
    NAME_IN_URL = "{name}"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    number = models.IntegerField(
        min=0,
        max=100,
        label="Pick a number between 0 and 100",
    )


# PAGES
class MyPage(Page):
    form_model = "player"
    form_fields = ["number"]


class Results(Page):
    pass


page_sequence = [MyPage, Results]
'''

MY_PAGE_HTML = """\
{{ block title }}
    Your choice
{{ endblock }}
{{ block content }}

    {{ formfields }}

    {{ next_button }}

{{ endblock }}
"""

RESULTS_HTML = """\
{{ block title }}
    Results
{{ endblock }}
{{ block content }}

    <p>You picked {{ player.number }}.</p>

    {{ next_button }}

{{ endblock }}
"""

TESTS_PY = """\
from otree.api import *

from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield MyPage, dict(number=42)
        expect("You picked 42.", "in", self.html)
        yield Results
"""


def template_folder() -> Path:
    """The project template installed with the package (a copy of examples/)."""
    return TEMPLATE_FOLDER


def app_files(name: str) -> dict[str, str]:
    """File name -> text of a new app called `name`."""
    return {
        "__init__.py": INIT_PY.replace("{name}", name),
        "MyPage.html": MY_PAGE_HTML,
        "Results.html": RESULTS_HTML,
        "tests.py": TESTS_PY,
    }


def _check_name(kind: str, name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ConfigurationError(
            f"'{name}' is not a valid {kind} name. Use letters, digits and underscores, "
            f"starting with a letter (for example my_{kind})."
        )


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise ConfigurationError(
            f"{path} already exists. Choose another name or remove the existing folder."
        )


def create_project(name: str, parent: Path) -> Path:
    """Copy the template into parent/name with a fresh SECRET_KEY; return the new folder."""
    _check_name("project", name)
    target = parent / name
    _refuse_existing(target)
    shutil.copytree(template_folder(), target, ignore=shutil.ignore_patterns(*NOT_COPIED))
    for stored, real in RENAMED_ON_COPY.items():
        if (target / stored).exists():
            (target / stored).rename(target / real)
    settings = target / "settings.py"
    fresh_key = f'SECRET_KEY = "{secrets.token_urlsafe(32)}"'
    text, count = SECRET_KEY_LINE.subn(fresh_key, settings.read_text(encoding="utf-8"), count=1)
    settings.write_text(text if count else f"{text}\n{fresh_key}\n", encoding="utf-8")
    return target


def create_app_folder(name: str, project: Path) -> Path:
    """Write app `name` into the project folder; return the new app folder."""
    _check_name("app", name)
    if name in RESERVED_APP_NAMES or name in sys.stdlib_module_names:
        raise ConfigurationError(
            f"'{name}' is the name of a Python module the app would hide; choose another name."
        )
    if not (project / "settings.py").is_file():
        raise ConfigurationError(
            f"No settings.py in {project}. Run startapp in your project folder "
            "(create one with `otree-async startproject NAME`)."
        )
    target = project / name
    _refuse_existing(target)
    target.mkdir()
    for file_name, text in app_files(name).items():
        (target / file_name).write_text(text, encoding="utf-8")
    return target
