from otree.api import models, BaseConstants, BaseSubsession, BaseGroup, BasePlayer

doc = "Self-format roles from a Player.role() method; arrival grouping by a Subsession method."


class Constants(BaseConstants):
    name_in_url = "sf_roles"
    players_per_group = 2
    num_rounds = 1


class Subsession(BaseSubsession):
    def group_by_arrival_time_method(self, waiting_players):
        self.session.vars["grouped_by_subsession"] = True
        if len(waiting_players) >= 2:
            return list(reversed(waiting_players[:2]))


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    offer = models.IntegerField(min=0, max=10)

    def role(self):
        return {1: "proposer", 2: "responder"}[self.id_in_group]
