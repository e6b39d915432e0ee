"""The check oTree's bots make before submitting: the fields and a button are in the HTML."""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser

from ..errors import BotError

FIELD_TAGS = frozenset({"input", "button", "select", "textarea"})
# Sent by the bot runner itself, never typed into a page.
INTERNAL_FIELDS = frozenset({"timeout_happened", "must_fail", "error_fields"})
HOW_TO_SKIP = (
    "A field or button made by JavaScript is not seen by this check; yield "
    "Submission(Page, {...}, check_html=False) for such a page."
)


class _FormScan(HTMLParser):
    """Collects the names of form fields and whether a submit button exists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self.has_submit_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note each named field and whether the tag submits the form."""
        values = dict(attrs)
        if tag in FIELD_TAGS and values.get("name") is not None:
            self.names.add(str(values["name"]))
        # A <button> submits unless it is type="button"; an <input> only when type="submit".
        if tag == "button" and values.get("type") != "button":
            self.has_submit_button = True
        if tag == "input" and values.get("type") == "submit":
            self.has_submit_button = True


def check_page_html(html: str, field_names: Iterable[str], page_name: str) -> None:
    """Raise BotError when a submitted field or the submit button is missing from the page."""
    scan = _FormScan()
    scan.feed(html)
    scan.close()
    missing = [name for name in field_names if name not in INTERNAL_FIELDS]
    missing = [name for name in missing if name not in scan.names]
    if missing:
        raise BotError(
            f"the bot submits page '{page_name}' with {', '.join(map(repr, missing))}, but the "
            "page has no <input>, <button>, <select> or <textarea> with that name. " + HOW_TO_SKIP
        )
    if not scan.has_submit_button:
        raise BotError(
            f"the bot submits page '{page_name}', but it has no button to submit it (an "
            '<input type="submit"> or a <button> whose type is not "button"; '
            "{{ next_button }} makes one). " + HOW_TO_SKIP
        )
