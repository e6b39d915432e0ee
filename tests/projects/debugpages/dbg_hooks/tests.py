from otree.api import Bot

from . import Middle, Shown, Start


class PlayerBot(Bot):
    def play_round(self):
        yield Start, dict(number=3)
        yield Middle
        yield Shown
