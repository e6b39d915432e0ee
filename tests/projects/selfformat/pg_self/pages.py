from otree.api import Currency as c, currency_range
from ._builtin import Page, WaitPage
from .models import Constants


class Contribute(Page):
    form_model = "player"
    form_fields = ["contribution", "feeling"]

    def vars_for_template(self):
        return dict(greeting=f"Hello {self.player.nickname}", round=self.round_number)

    def error_message(self, values):
        if values["contribution"] == 99:
            return "Not 99, please"

    def before_next_page(self):
        self.participant.vars["contributed_in"] = self.round_number
        self.participant.vars["timed_out"] = self.timeout_happened


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = "set_payoffs"


class Results(Page):
    def is_displayed(self):
        return self.round_number == Constants.num_rounds or self.player.contribution > 0

    def vars_for_template(self):
        return dict(kept=Constants.endowment - self.player.contribution)


page_sequence = [Contribute, ResultsWaitPage, Results]
