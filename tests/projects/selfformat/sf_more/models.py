from otree.api import models, BaseConstants, BaseSubsession, BaseGroup, BasePlayer

doc = "Self-format wait pages and timeouts: arrival grouping, all groups, timeout_happened."


class Constants(BaseConstants):
    name_in_url = "sf_more"
    players_per_group = 2
    num_rounds = 1


class Subsession(BaseSubsession):
    tallied = models.IntegerField(initial=0)

    def tally(self):
        self.tallied += 1
        for player in self.get_players():
            player.seen_total = len(self.get_players())


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=0, max=9)
    seen_total = models.IntegerField()
