from otree.api import Bot

from . import Play


class PlayerBot(Bot):
    def play_round(self):
        yield Play
