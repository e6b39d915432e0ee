from ._builtin import Page, WaitPage


class Arrive(WaitPage):
    group_by_arrival_time = True


class Offer(Page):
    form_model = "player"
    form_fields = ["offer"]

    def is_displayed(self):
        return self.player.role() == "proposer"


class OfferMade(WaitPage):
    pass


class Seen(Page):
    def vars_for_template(self):
        proposer = self.group.get_player_by_role("proposer")
        return dict(proposer_offer=proposer.offer, my_role=self.player.role())


page_sequence = [Arrive, Offer, OfferMade, Seen]
