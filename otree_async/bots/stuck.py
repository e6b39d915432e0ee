"""Telling a run in which every participant waits on another from one that is still going."""

from __future__ import annotations

import time
from collections.abc import Iterable

from .browser import Browser

# Everyone waiting this long with nobody moving: each waiting participant reloads its page,
# and if they are all still waiting after that, nobody will come (oTree gives up after ten
# turns of its loop without progress). A "ready" notice normally arrives in milliseconds.
STUCK_AFTER_SECONDS = 5.0


class StuckWatch:
    """Notices when every unfinished participant waits on a wait page for good."""

    def __init__(self, browsers: Iterable[Browser]) -> None:
        self.browsers = list(browsers)
        self._positions: tuple[tuple[str, bool], ...] = ()
        self._since = time.monotonic()
        self._recheck_at: float | None = None

    def report(self) -> str | None:
        """The message when the run is stuck, else None (call it regularly)."""
        now = time.monotonic()
        positions = tuple((b.url, b.finished) for b in self.browsers)
        playing = [b for b in self.browsers if not b.finished]
        if positions != self._positions or not playing:
            self._positions, self._since, self._recheck_at = positions, now, None
            return None
        if not all(b.waiting for b in playing) or now - self._since < STUCK_AFTER_SECONDS:
            return None
        if self._recheck_at is None:
            self._recheck_at = now
            for browser in playing:
                browser.recheck.set()
            return None
        if any(b.reloaded_at < self._recheck_at for b in playing):
            return None
        return self._message(playing)

    def _message(self, playing: list[Browser]) -> str:
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
