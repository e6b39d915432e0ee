from otree.api import Bot

from . import Contribute, Results


class PlayerBot(Bot):
    def play_round(self):
        yield Contribute, dict(contribution=10 * self.player.id_in_group)
        yield Results
