from otree.api import *

from . import *


class PlayerBot(Bot):
    """No play_round at all: this app's pages are left to the participant."""
