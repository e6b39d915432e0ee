from ._builtin import Page, WaitPage


class Grouping(WaitPage):
    group_by_arrival_time = True

    def group_by_arrival_time_method(self, waiting_players):
        self.subsession.session.vars["grouped_by_method"] = True
        if len(waiting_players) >= 2:
            return waiting_players[:2]


class Quick(Page):
    form_model = "player"
    form_fields = ["answer"]

    def get_timeout_seconds(self):
        return 600 + self.player.id_in_group

    def before_next_page(self):
        self.participant.vars["timed_out"] = self.timeout_happened


class AllWait(WaitPage):
    wait_for_all_groups = True
    after_all_players_arrive = "tally"


class Done(Page):
    def vars_for_template(self):
        return dict(total=self.player.seen_total)


page_sequence = [Grouping, Quick, AllWait, Done]
