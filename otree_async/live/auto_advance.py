"""The page's own websocket: reloads the page when the server moved the participant on
(a timeout submitted server-side, or the experimenter advancing them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..flow.messages import advanced
from ..flow.wait_state import read_moved_on
from .waiting import serve_until

if TYPE_CHECKING:
    from ..flow.runtime import Runtime


def _reader(runtime: Runtime, code: str, index: int) -> Any:
    async def read() -> tuple[str, bool] | None:
        return await runtime.database.run(read_moved_on, code, index, read_only=True)

    return read


async def auto_advance_socket(websocket: WebSocket) -> None:
    """/auto_advance/{code}/{index}: send {"type": "advanced"} once the page is stale."""
    runtime: Runtime = websocket.app.state.runtime
    code = websocket.path_params["code"]
    index = int(websocket.path_params["index"])
    await serve_until(websocket, runtime, _reader(runtime, code, index), advanced())


routes = [WebSocketRoute("/auto_advance/{code}/{index:int}", auto_advance_socket)]
