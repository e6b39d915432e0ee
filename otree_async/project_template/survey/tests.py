from otree.api import *

from . import *


class PlayerBot(Bot):
    cases = ["student", "non_student"]

    def play_round(self):
        is_student = self.case == "student"
        about = dict(
            first_name="Ada",
            age=30,
            email="ada@example.com",
            is_student=is_student,
            country="France",
            favourite_colour="Blue",
        )
        # survey templates extend _templates/global/Page.html, which links this file
        expect('href="/static/global/experiment.css"', "in", self.html)
        expect("We only use it to send you the study results.", "in", self.html)
        yield SubmissionMustFail(About, dict(about, age=12), error_fields=["age"])
        yield SubmissionMustFail(
            About, dict(about, email="ada.example.com"), error_fields=["email"]
        )
        yield SubmissionMustFail(About, dict(about, first_name=""))
        yield About, about

        if is_student:
            expect("What do you study?", "in", self.html)
            yield StudentDetails, dict(field_of_study="econ", study_hours=12.5)

        # page-level error_message: sleep + work > 24
        yield SubmissionMustFail(Habits, dict(sleep_hours=9, work_hours=16, years_in_city=5))
        expect("cannot exceed 24 hours", "in", self.html)
        # dynamic max: years_in_city_max(player) returns the age (30)
        yield SubmissionMustFail(
            Habits,
            dict(sleep_hours=8, work_hours=8, years_in_city=31),
            error_fields=["years_in_city"],
        )
        yield Habits, dict(sleep_hours=8, work_hours=7.5, years_in_city=30)

        opinions = dict(
            second_colour="Green",
            satisfaction=4,
            donation=cu(10),
            motto="Measure twice, cut once.",
        )
        if is_student:
            opinions["wants_newsletter"] = True
        # dynamic choices: the favourite colour is not offered again
        expect('value="Blue"', "not in", self.html)
        expect('value="Green"', "in", self.html)
        yield SubmissionMustFail(
            Opinions, dict(opinions, second_colour="Blue"), error_fields=["second_colour"]
        )
        yield SubmissionMustFail(
            Opinions, dict(opinions, donation=cu(101)), error_fields=["donation"]
        )
        yield Opinions, opinions

        expect(self.player.donation, cu(10))
        expect(self.player.wants_newsletter, is_student)
        expect(self.player.field_maybe_none("comments"), "in", [None, ""])
        expect("8.5 hours", "in", self.html)
        if is_student:
            expect("Economics", "in", self.html)
            expect("We will send the newsletter", "in", self.html)
        else:
            expect("You will not receive the newsletter", "in", self.html)
        yield Submission(Summary, check_html=True)
