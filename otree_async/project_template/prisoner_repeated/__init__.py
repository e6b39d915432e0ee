from otree.api import *

doc = """
Repeated prisoner's dilemma. Players are randomly re-paired every round and see
the history of their own past rounds.
"""


class C(BaseConstants):
    NAME_IN_URL = "prisoner_repeated"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 4
    BOTH_COOPERATE = cu(30)
    BOTH_DEFECT = cu(10)
    SUCKER = cu(0)
    TEMPTATION = cu(40)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    cooperate = models.BooleanField(
        label="What do you choose?",
        choices=[[True, "Cooperate"], [False, "Defect"]],
        widget=widgets.RadioSelect,
    )


# FUNCTIONS
def creating_session(subsession: Subsession):
    subsession.group_randomly()


def partner(player: Player):
    return player.get_others_in_group()[0]


def set_payoffs(group: Group):
    for p in group.get_players():
        other = partner(p)
        if p.cooperate and other.cooperate:
            p.payoff = C.BOTH_COOPERATE
        elif p.cooperate:
            p.payoff = C.SUCKER
        elif other.cooperate:
            p.payoff = C.TEMPTATION
        else:
            p.payoff = C.BOTH_DEFECT


# PAGES
class Decision(Page):
    form_model = "player"
    form_fields = ["cooperate"]

    @staticmethod
    def vars_for_template(player: Player):
        history = [
            dict(
                round_number=past.round_number,
                choice=past.field_display("cooperate"),
                partner_choice=partner(past).field_display("cooperate"),
                payoff=past.payoff,
            )
            for past in player.in_previous_rounds()
        ]
        return dict(history=history)


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        first_round = player.in_round(1)
        return dict(
            partner_cooperated=partner(player).cooperate,
            changed_since_round_1=player.cooperate != first_round.cooperate,
        )


page_sequence = [Decision, ResultsWaitPage, Results]
