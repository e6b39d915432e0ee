"""wait_until: a "ready" notice is answered at once; other notices make it read the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from otree_async.live.group_layer import GroupLayer
from otree_async.live.waiting import wait_until
from otree_async.project.deployment import Deployment

CHANNEL = "wait-abc-2-g1"


@pytest.fixture
async def runtime() -> AsyncIterator[Any]:
    """Just what wait_until uses of a Runtime: its group layer and deployment settings."""
    async with GroupLayer.from_url("memory://") as layer:
        yield SimpleNamespace(group_layer=layer, deployment=Deployment())


class Reader:
    """A database read that says "not yet" `answers` times, then hangs (a busy database)."""

    def __init__(self, answers: int, then: tuple[str, bool] | None = None) -> None:
        self.calls = 0
        self.answers = answers
        self.then = then
        # wait_until reads once before subscribing and once after: then it listens.
        self.listening = asyncio.Event()

    async def __call__(self) -> tuple[str, bool] | None:
        self.calls += 1
        if self.calls == 2:
            self.listening.set()
        if self.calls <= self.answers:
            return CHANNEL, False
        if self.then is not None:
            return self.then
        await asyncio.Event().wait()
        return None


async def publish_when_listening(runtime: Any, reader: Reader, message: dict[str, Any]) -> None:
    await asyncio.wait_for(reader.listening.wait(), 10)
    await runtime.group_layer.publish(CHANNEL, message)


@pytest.mark.parametrize("kind", ["ready", "advanced"])
async def test_a_done_notice_is_answered_without_reading_the_database_again(
    runtime: Any, kind: str
) -> None:
    reader = Reader(answers=2)  # before and after subscribing; a third read would hang
    waiter = asyncio.create_task(wait_until(runtime, reader))
    await publish_when_listening(runtime, reader, {"type": kind})
    assert await asyncio.wait_for(waiter, 10) is True
    assert reader.calls == 2


async def test_any_other_notice_makes_it_read_the_database(runtime: Any) -> None:
    reader = Reader(answers=2, then=(CHANNEL, True))
    waiter = asyncio.create_task(wait_until(runtime, reader))
    await publish_when_listening(runtime, reader, {"type": "reconnected"})
    assert await asyncio.wait_for(waiter, 10) is True
    assert reader.calls == 3
