"""The files `otree-async startapp NAME` writes: a one-page app in oTree's no-self format."""

from __future__ import annotations

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


def app_files(name: str) -> dict[str, str]:
    """File name -> text of a new app called `name`."""
    return {
        "__init__.py": INIT_PY.replace("{name}", name),
        "MyPage.html": MY_PAGE_HTML,
        "Results.html": RESULTS_HTML,
        "tests.py": TESTS_PY,
    }
