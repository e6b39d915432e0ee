"""Page and WaitPage, the classes authors subclass in page_sequence.

They hold only oTree's public attributes; hooks such as is_displayed or vars_for_template are
functions authors define on their subclass. How pages are served lives in flow/ and web/, so an
author's method name can never collide with ours.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeAlias


class Page:
    """A page with an optional form; subclass it and list it in page_sequence."""

    form_model: ClassVar[Any] = None
    form_fields: ClassVar[list[str]] = []
    template_name: ClassVar[str | None] = None
    timeout_seconds: ClassVar[float | None] = None
    timer_text: ClassVar[str] = "Time left to complete this page:"
    timeout_submission: ClassVar[dict[str, Any] | None] = None
    allow_back_button: ClassVar[bool] = False
    preserve_unsubmitted_inputs: ClassVar[bool] = False
    # No container, title or timer: the template lays out the whole page itself.
    use_blank_layout: ClassVar[bool] = False


class WaitPage:
    """A page where players wait for their group (or the whole subsession)."""

    wait_for_all_groups: ClassVar[bool] = False
    group_by_arrival_time: ClassVar[bool] = False
    title_text: ClassVar[str] = "Please wait"
    # None: say whom the participant waits for (engine/wait_rules.py), as oTree does.
    body_text: ClassVar[str | None] = None
    template_name: ClassVar[str | None] = None
    after_all_players_arrive: ClassVar[Any] = None


# What page_sequence holds; load_apps rejects anything else.
PageClass: TypeAlias = type[Page] | type[WaitPage]


def is_wait_page(page_class: type) -> bool:
    """True for WaitPage subclasses."""
    return issubclass(page_class, WaitPage)
