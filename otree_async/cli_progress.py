"""The command line's progress bars: click bars fed from callbacks, silent when not wanted."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import click

from .bots.planned_runs import PlannedRun, ProgressFor

BAR_FROM_PARTICIPANTS = 50
BAR_ON_TERMINAL_FROM_TOTAL = 100


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


def bars_for(runs: list[PlannedRun]) -> ProgressFor:
    """The progress bar of each run: shown for big runs, or all on a terminal when many."""
    total = sum(run.num_participants for run in runs)
    on_terminal = sys.stdout.isatty() and total >= BAR_ON_TERMINAL_FROM_TOTAL

    @contextlib.contextmanager
    def bar_for(run: PlannedRun) -> Iterator[Callable[[], None]]:
        shown = on_terminal or run.num_participants >= BAR_FROM_PARTICIPANTS
        with Progress(run.label, run.num_participants, shown=shown) as progress:
            yield progress.step

    return bar_for
