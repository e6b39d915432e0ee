"""The wait page's websocket: tells the browser to reload once its group may go on.

It subscribes to the group's channel first and then checks the database, so a completion
published in between is never missed; after a group-layer reconnect it checks again.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session as DbSession
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..flow.lookup import find_participant, player_for
from ..flow.wait_pages import channel_name, is_completed, scope_of

if TYPE_CHECKING:
    from ..runtime import Runtime

# Even without a notice, look at the database this often (a missed message costs at most this).
RECHECK_SECONDS = 20.0


def _wait_state(db: DbSession, runtime: Runtime, code: str, index: int) -> tuple[str, bool] | None:
    """(channel, already passable) for a participant on a wait page, or None if not there."""
    participant = find_participant(db, code)
    if participant is None:
        return None
    if participant.index_in_pages != index:
        return ("", True)  # they moved on already: reload shows the right page
    plan = runtime.session_plan(participant.session)
    if not 1 <= index <= len(plan):
        return ("", True)
    slot = plan[index - 1]
    player = player_for(db, runtime, participant, slot)
    scope_key, _ = scope_of(slot, player)
    channel = channel_name(participant.session.code, index, scope_key)
    return channel, is_completed(db, participant.session_id, index, scope_key)


async def _read_state(runtime: Runtime, code: str, index: int) -> tuple[str, bool] | None:
    async with runtime.database.unit_of_work() as uow:
        return await uow.run(_wait_state, runtime, code, index)


async def wait_until_ready(
    runtime: Runtime, code: str, index: int, stop: asyncio.Future[Any] | None = None
) -> bool:
    """Wait until the participant may leave wait page `index`; False if stop fired first."""
    state = await _read_state(runtime, code, index)
    if state is None or state[1]:
        return True
    stop = stop if stop is not None else asyncio.get_running_loop().create_future()
    async with runtime.group_layer.subscribe(state[0]) as subscription:
        while not stop.done():
            # Check after subscribing: a completion published just before is not missed.
            state = await _read_state(runtime, code, index)
            if state is None or state[1]:
                return True
            message = await _next_message(subscription, stop)
            if message is not None and message.get("type") == "ready":
                return True
    return False


async def wait_page_socket(websocket: WebSocket) -> None:
    """/wait_page/{code}/{index}: send {"type": "ready"} when the page can be left."""
    runtime: Runtime = websocket.app.state.runtime
    code = websocket.path_params["code"]
    index = int(websocket.path_params["index"])
    await websocket.accept()
    watcher = asyncio.create_task(_until_disconnect(websocket))
    try:
        if await wait_until_ready(runtime, code, index, watcher):
            await _send_ready(websocket)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _next_message(subscription: Any, watcher: asyncio.Future[Any]) -> dict[str, Any] | None:
    getter = asyncio.create_task(subscription.get(timeout=RECHECK_SECONDS))
    done, _ = await asyncio.wait({getter, watcher}, return_when=asyncio.FIRST_COMPLETED)
    if getter not in done:
        getter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await getter
        return None
    result: dict[str, Any] | None = getter.result()
    return result


async def _until_disconnect(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


async def _send_ready(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await websocket.send_json({"type": "ready"})
        await websocket.close()


routes = [WebSocketRoute("/wait_page/{code}/{index:int}", wait_page_socket)]
