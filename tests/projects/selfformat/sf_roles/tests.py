from . import pages
from ._builtin import Bot


class PlayerBot(Bot):
    def play_round(self):
        assert self.session.vars["grouped_by_subsession"]
        if self.player.role() == "proposer":
            yield pages.Offer, {"offer": 4}
        assert f"As the {self.player.role()}, you see the offer 4." in self.html
        yield pages.Seen
