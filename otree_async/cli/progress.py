"""A click progress bar that can be fed from callbacks and stays silent when not wanted."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import click


class Progress:
    """Counts steps done; draws a click progress bar when `shown`, else does nothing."""

    def __init__(self, label: str, length: int, *, shown: bool) -> None:
        self.label = label
        self.length = length
        self.shown = shown
        self._bar: Any = None
        self._done = 0

    def __enter__(self) -> Progress:
        if self.shown:
            self._bar = click.progressbar(length=self.length, label=self.label)
            self._bar.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, traceback)
            self._bar = None

    def step(self) -> None:
        """One more step done."""
        self.advance_to(self._done + 1)

    def advance_to(self, done: int, total: int | None = None) -> None:
        """Steps done so far (out of `total` when the caller learns it late)."""
        if total is not None and self._bar is not None:
            self._bar.length = total
        if self._bar is not None and done > self._done:
            self._bar.update(done - self._done)
        self._done = max(self._done, done)
