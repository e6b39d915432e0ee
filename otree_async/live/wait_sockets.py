"""The wait page's websocket: tells the browser to reload once its group may go on.

What it reads is decided in flow/wait_state.py; here is only the socket and its heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..engine.arrival_grouping import PRESENCE_TIMEOUT_SECONDS
from ..flow.arrival_groups import mark_presence
from ..flow.channels import is_participant_channel
from ..flow.messages import ready
from ..flow.unit_of_work import run_step
from ..flow.wait_state import WaitScope, WaitState, read_wait_state
from .waiting import serve_until, wait_until

PRESENCE_HEARTBEAT_SECONDS = PRESENCE_TIMEOUT_SECONDS / 3

if TYPE_CHECKING:
    from ..flow.runtime import Runtime


def _reader(runtime: Runtime, code: str, index: int) -> Any:
    # A socket reads its state two or three times; after the first read one query does.
    scope: WaitScope | None = None

    async def read() -> WaitState:
        nonlocal scope
        state, scope = await runtime.database.run(
            read_wait_state, runtime, code, index, scope, read_only=True
        )
        return state

    return read


def _first_answering(state: WaitState, reader: Any) -> Any:
    """A reader whose first answer is `state`, just read: the read before subscribing may be
    that old, since the wait reads again once it has subscribed."""
    pending = [state]

    async def read() -> WaitState:
        if pending:
            return pending.pop()
        result: WaitState = await reader()
        return result

    return read


async def wait_until_ready(
    runtime: Runtime, code: str, index: int, stop: asyncio.Future[Any] | None = None
) -> bool:
    """Wait until the participant may leave wait page `index`; False if stop fired first."""
    return await wait_until(runtime, _reader(runtime, code, index), stop)


async def _report_presence(runtime: Runtime, code: str, index: int, connected: bool) -> None:
    # The groups this forms are announced by run_step, after the commit.
    await run_step(runtime, mark_presence, code, index, connected)


async def _keep_present(runtime: Runtime, code: str, index: int) -> None:
    # group_by_arrival_time only groups participants whose wait page was heard from lately.
    while True:
        await _report_presence(runtime, code, index, True)
        await asyncio.sleep(PRESENCE_HEARTBEAT_SECONDS)


async def wait_page_socket(websocket: WebSocket) -> None:
    """/wait_page/{code}/{index}: send {"type": "ready"} when the page can be left."""
    runtime: Runtime = websocket.app.state.runtime
    code = websocket.path_params["code"]
    index = int(websocket.path_params["index"])
    reader = _reader(runtime, code, index)
    state = await reader()
    reader = _first_answering(state, reader)
    if state is None or not is_participant_channel(state[0]):
        await serve_until(websocket, runtime, reader, ready())
        return
    heartbeat = asyncio.create_task(_keep_present(runtime, code, index))
    try:
        await serve_until(websocket, runtime, reader, ready())
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        with contextlib.suppress(Exception):
            await asyncio.shield(_report_presence(runtime, code, index, False))


routes = [WebSocketRoute("/wait_page/{code}/{index:int}", wait_page_socket)]
