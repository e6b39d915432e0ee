from otree.api import *

doc = """
A moderator moves the others on from author code: participant 1's Moderate page calls
session.advance_last_place_participants() or advance_selected_participants().
"""


class C(BaseConstants):
    NAME_IN_URL = "moderated"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=1, max=10)
    action = models.StringField(choices=["slowest", "slowest_visited", "third", "self"])


def is_moderator(player: Player):
    return player.participant.id_in_session == 1


class Task(Page):
    form_model = "player"
    form_fields = ["answer"]

    @staticmethod
    def is_displayed(player: Player):
        return not is_moderator(player)


class Moderate(Page):
    form_model = "player"
    form_fields = ["action"]

    @staticmethod
    def is_displayed(player: Player):
        return is_moderator(player)

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        session = player.session
        if player.action == "slowest":
            session.advance_last_place_participants()
        elif player.action == "slowest_visited":
            session.advance_last_place_participants(visited_only=True)
        elif player.action == "third":
            session.advance_selected_participants(
                [p for p in session.get_participants() if p.id_in_session == 3]
            )
        elif player.action == "self":
            session.advance_selected_participants([player.participant])


class End(Page):
    pass


class Goodbye(Page):
    pass


page_sequence = [Task, Moderate, End, Goodbye]
