from otree.api import (
    models,
    widgets,
    BaseConstants,
    BaseSubsession,
    BaseGroup,
    BasePlayer,
    Currency as c,
    currency_range,
)

doc = """
Public goods in the self format, as oTree 3.x wrote it.
"""


class Constants(BaseConstants):
    name_in_url = "pg_self"
    players_per_group = 3
    num_rounds = 2
    endowment = c(100)


class Subsession(BaseSubsession):
    def creating_session(self):
        if self.round_number == 1:
            self.group_randomly()
        else:
            self.group_like_round(1)
        for player in self.get_players():
            player.nickname = f"P{player.id_in_subsession}"


class Group(BaseGroup):
    total_contribution = models.CurrencyField()
    individual_share = models.CurrencyField()
    payoffs_set = models.IntegerField(initial=0)

    def set_payoffs(self):
        players = self.get_players()
        self.total_contribution = sum(p.contribution for p in players)
        multiplier = self.session.config["multiplier"]
        self.individual_share = self.total_contribution * multiplier / Constants.players_per_group
        for p in players:
            p.payoff = Constants.endowment - p.contribution + self.individual_share
        self.payoffs_set += 1


class Player(BasePlayer):
    nickname = models.StringField()
    contribution = models.CurrencyField(min=0, label="How much will you contribute?")
    feeling = models.StringField(blank=True)

    def contribution_max(self):
        return Constants.endowment

    def contribution_error_message(self, value):
        if value == 13:
            return "13 is unlucky"

    def feeling_choices(self):
        return ["good", "bad"] if self.round_number == 1 else ["better", "worse"]
