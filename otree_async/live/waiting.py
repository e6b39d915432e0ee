"""Waiting for a condition that another request (on any worker) makes true.

The pattern every socket here follows: subscribe to the channel first, then read the
database, so a notice published in between is never missed. A "ready" or "advanced" notice is
answered at once; the database is read again after any other notice, after a group-layer
reconnect, and every deployment.wait_recheck_seconds ($OTREE_ASYNC_WAIT_RECHECK_SECONDS) as a
safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from ..flow.messages import Message, decode, encode, lets_page_go_on
from ..flow.runtime import Runtime

# (channel, done): the channel to listen on and whether the condition already holds.
StateReader = Callable[[], Awaitable[tuple[str, bool] | None]]


async def wait_until(
    runtime: Runtime, read_state: StateReader, stop: asyncio.Future[Any] | None = None
) -> bool:
    """Return True once read_state says done (or finds nothing); False if stop fired first."""
    state = await read_state()
    if state is None or state[1]:
        return True
    stop = stop if stop is not None else asyncio.get_running_loop().create_future()
    async with runtime.group_layer.subscribe(state[0]) as subscription:
        while not stop.done():
            state = await read_state()
            if state is None or state[1]:
                return True
            message = await _next_message(
                subscription, stop, runtime.deployment.wait_recheck_seconds
            )
            # "ready" (a wait page completed, a group formed) or "advanced" (the server moved
            # the participant on); anything else only prompts a re-read.
            if lets_page_go_on(decode(message)):
                # Published only after the commit that made it true, so the socket can answer
                # at once instead of queueing behind other requests for a database read.
                return True
    return False


async def _next_message(
    subscription: Any, stop: asyncio.Future[Any], recheck_seconds: float
) -> dict[str, Any] | None:
    getter = asyncio.create_task(subscription.get(timeout=recheck_seconds))
    done, _ = await asyncio.wait({getter, stop}, return_when=asyncio.FIRST_COMPLETED)
    if getter not in done:
        getter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await getter
        return None
    result: dict[str, Any] | None = getter.result()
    return result


async def serve_until(
    websocket: WebSocket, runtime: Runtime, read_state: StateReader, message: Message
) -> None:
    """Accept the socket, wait until done, send `message`, close; stop if the browser leaves."""
    await websocket.accept()
    watcher = asyncio.create_task(_until_disconnect(websocket))
    try:
        if await wait_until(runtime, read_state, watcher):
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await websocket.send_json(encode(message))
                await websocket.close()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _until_disconnect(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()
