"""The wait page's websocket: tells the browser to reload once its group may go on."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session as DbSession
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..engine.arrival_grouping import PRESENCE_TIMEOUT_SECONDS
from ..flow.arrival_grouping import mark_presence
from ..flow.channels import is_participant_channel, participant_channel, wait_channel
from ..flow.lookup import find_participant, player_for
from ..flow.wait_pages import is_completed, scope_of
from ..web.responses import run_step
from .waiting import serve_until, wait_until

PRESENCE_HEARTBEAT_SECONDS = PRESENCE_TIMEOUT_SECONDS / 3

if TYPE_CHECKING:
    from ..runtime import Runtime


def _wait_state(db: DbSession, runtime: Runtime, code: str, index: int) -> tuple[str, bool] | None:
    """(channel, may leave) for a participant on wait page `index`; None if unknown."""
    participant = find_participant(db, code)
    if participant is None:
        return None
    plan = runtime.session_plan(participant.session)
    if participant.index_in_pages != index or not 1 <= index <= len(plan):
        return ("", True)  # they moved on already: a reload shows the right page
    slot = plan[index - 1]
    player = player_for(db, runtime, participant, slot)
    scope_key, _ = scope_of(slot, player)
    channel = wait_channel(participant.session.code, index, scope_key)
    if getattr(slot.page_class, "group_by_arrival_time", False):
        channel = participant_channel(code)  # grouping is announced to each participant
    return channel, is_completed(db, participant.session_id, index, scope_key)


def _reader(runtime: Runtime, code: str, index: int) -> Any:
    async def read() -> tuple[str, bool] | None:
        async with runtime.database.unit_of_work(read_only=True) as uow:
            return await uow.run(_wait_state, runtime, code, index)

    return read


async def wait_until_ready(
    runtime: Runtime, code: str, index: int, stop: asyncio.Future[Any] | None = None
) -> bool:
    """Wait until the participant may leave wait page `index`; False if stop fired first."""
    return await wait_until(runtime, _reader(runtime, code, index), stop)


async def _report_presence(runtime: Runtime, code: str, index: int, connected: bool) -> None:
    notices = await run_step(runtime, mark_presence, code, index, connected)
    for notice in notices:
        await runtime.group_layer.publish(notice.channel, notice.message)


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
    if state is None or not is_participant_channel(state[0]):
        await serve_until(websocket, runtime, reader, {"type": "ready"})
        return
    heartbeat = asyncio.create_task(_keep_present(runtime, code, index))
    try:
        await serve_until(websocket, runtime, reader, {"type": "ready"})
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        with contextlib.suppress(Exception):
            await asyncio.shield(_report_presence(runtime, code, index, False))


routes = [WebSocketRoute("/wait_page/{code}/{index:int}", wait_page_socket)]
