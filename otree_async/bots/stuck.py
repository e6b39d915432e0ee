"""Telling a run in which every participant waits on another from one that is still going."""

from __future__ import annotations

import time
from collections.abc import Iterable

from .browser import Browser

# Everyone waiting this long with nothing moving: nobody will come (oTree gives up after ten
# rounds of its loop without progress). A "ready" notice arrives within milliseconds.
STUCK_AFTER_SECONDS = 5.0


class StuckWatch:
    """Notices when every unfinished participant has been on a wait page for a while."""

    def __init__(self, browsers: Iterable[Browser]) -> None:
        self.browsers = list(browsers)
        self._last_state: tuple[tuple[str, bool, bool], ...] = ()
        self._since = time.monotonic()

    def report(self) -> str | None:
        """The message when the run is stuck, else None."""
        state = tuple((b.url, b.waiting, b.finished) for b in self.browsers)
        now = time.monotonic()
        if state != self._last_state:
            self._last_state, self._since = state, now
            return None
        playing = [b for b in self.browsers if not b.finished]
        if not playing or not all(b.waiting for b in playing):
            return None
        if now - self._since < STUCK_AFTER_SECONDS:
            return None
        lines = [f"{b.name} waits on wait page '{b.page_name}' ({b.url})" for b in playing]
        lines += [
            f"{b.name}'s bot finished on page '{b.page_name}' ({b.url})"
            for b in self.browsers
            if b.finished and not b.url.startswith("/OutOfRangeNotification/")
        ]
        return (
            f"The bots got stuck: nobody moved for {STUCK_AFTER_SECONDS:.0f} s. "
            + "; ".join(lines)
            + ". A wait page waits for players whose bots stopped before it, or for players "
            "who never arrive (is_displayed, group_by_arrival_time)."
        )
