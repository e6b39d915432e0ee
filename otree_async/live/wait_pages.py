"""The wait page's websocket: tells the browser to reload once its group may go on."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session as DbSession
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..engine.arrival_grouping import PRESENCE_TIMEOUT_SECONDS
from ..flow.arrival_grouping import mark_presence
from ..flow.channels import is_participant_channel, participant_channel, wait_channel
from ..flow.lookup import find_participant, player_for
from ..flow.wait_pages import completion_query, is_completed, scope_column, scope_of
from ..models.framework import Participant
from ..web.responses import run_step
from .waiting import serve_until, wait_until

PRESENCE_HEARTBEAT_SECONDS = PRESENCE_TIMEOUT_SECONDS / 3

if TYPE_CHECKING:
    from ..runtime import Runtime


WaitState = tuple[str, bool] | None


@dataclass(frozen=True)
class _Scope:
    """What the next reads of one wait page can take from the first: channel and scope."""

    channel: str
    scope_id: int
    # The participant's position, their player's scope id and whether the page is complete.
    query: Any


def _wait_state(
    db: DbSession, runtime: Runtime, code: str, index: int
) -> tuple[WaitState, _Scope | None]:
    """(channel, may leave) for a participant on wait page `index` (None if unknown), and
    the scope for the next reads when they can use it."""
    participant = find_participant(db, code)
    if participant is None:
        return None, None
    plan = runtime.session_plan(participant.session)
    if participant.index_in_pages != index or not 1 <= index <= len(plan):
        return ("", True), None  # they moved on already: a reload shows the right page
    slot = plan[index - 1]
    player = player_for(db, runtime, participant, slot)
    scope_key, scope_id = scope_of(slot, player)
    completed = is_completed(db, participant.session_id, index, scope_key)
    if getattr(slot.page_class, "group_by_arrival_time", False):
        # Grouping is announced to each participant, and it changes their group.
        return (participant_channel(code), completed), None
    channel = wait_channel(participant.session.code, index, scope_key)
    player_class = runtime.tables.apps[slot.app_name].player
    query = (
        select(
            Participant.index_in_pages,
            scope_column(slot, player_class),
            completion_query(participant.session_id, index, scope_key).exists(),
        )
        .join(
            player_class,
            and_(
                player_class.participant_id == Participant.id,
                player_class.round_number == slot.round_number,
            ),
        )
        .where(Participant.code == code)
    )
    return (channel, completed), _Scope(channel, scope_id, query)


def _wait_state_again(db: DbSession, scope: _Scope, index: int) -> tuple[str, bool] | None:
    """The state in one query, or None if the first read has to be made again."""
    row = db.connection().execute(scope.query).first()
    if row is None or row[1] != scope.scope_id:
        return None
    position, _scope_id, completed = row
    if position != index:
        return ("", True)
    return scope.channel, bool(completed)


def _read(
    db: DbSession, runtime: Runtime, code: str, index: int, scope: _Scope | None
) -> tuple[WaitState, _Scope | None]:
    if scope is not None:
        state = _wait_state_again(db, scope, index)
        if state is not None:
            return state, scope
    return _wait_state(db, runtime, code, index)


def _reader(runtime: Runtime, code: str, index: int) -> Any:
    # A socket reads its state two or three times; after the first read one query does.
    scope: _Scope | None = None

    async def read() -> WaitState:
        nonlocal scope
        state, scope = await runtime.database.run(
            _read, runtime, code, index, scope, read_only=True
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
    reader = _first_answering(state, reader)
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
