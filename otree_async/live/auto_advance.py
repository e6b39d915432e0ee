"""The page's own websocket: reloads the page when the server moved the participant on
(a timeout submitted server-side, or the experimenter advancing them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session as DbSession
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..flow.channels import participant_channel
from ..flow.lookup import find_participant
from .waiting import serve_until

if TYPE_CHECKING:
    from ..runtime import Runtime


def _moved_on(db: DbSession, code: str, index: int) -> tuple[str, bool] | None:
    participant = find_participant(db, code)
    if participant is None:
        return None
    return participant_channel(code), participant.index_in_pages != index


def _reader(runtime: Runtime, code: str, index: int) -> Any:
    async def read() -> tuple[str, bool] | None:
        return await runtime.database.run(_moved_on, code, index, read_only=True)

    return read


async def auto_advance_socket(websocket: WebSocket) -> None:
    """/auto_advance/{code}/{index}: send {"type": "advanced"} once the page is stale."""
    runtime: Runtime = websocket.app.state.runtime
    code = websocket.path_params["code"]
    index = int(websocket.path_params["index"])
    await serve_until(websocket, runtime, _reader(runtime, code, index), {"type": "advanced"})


routes = [WebSocketRoute("/auto_advance/{code}/{index:int}", auto_advance_socket)]
