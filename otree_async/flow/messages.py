"""What travels over the group layer, defined once: each message a TypedDict with a `type`.

The wire format is the JSON of these dicts. Browsers read it too: reload_socket.js reloads a
wait page on "ready" and any other page on "advanced". Nothing else builds or reads a
message by hand: notices are built with the constructors here, and a subscriber turns what
it receives into a Message with decode().
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, TypedDict, cast


class Ready(TypedDict):
    """A wait page completed, or a group was formed: the waiting pages may go on."""

    type: Literal["ready"]


class Advanced(TypedDict):
    """The server moved a participant on (timeout, experimenter, author code): reload."""

    type: Literal["advanced"]


class Reconnected(TypedDict):
    """The group layer may have dropped messages: subscribers re-read their state."""

    type: Literal["reconnected"]


class Live(TypedDict):
    """A live_method's reply to one participant's page (live pages)."""

    type: Literal["live"]
    payload: Any


class Chat(TypedDict):
    """A chat entry posted to a chat channel."""

    type: Literal["chat"]
    nickname: str
    body: str


class Monitor(TypedDict):
    """A participant's position changed: the session monitor refreshes their row."""

    type: Literal["monitor"]
    participant_code: str


Message = Ready | Advanced | Reconnected | Live | Chat | Monitor

# type -> the TypedDict it names: decode() dispatches through this, never by name lookup.
MESSAGE_TYPES: Final[Mapping[str, type[Any]]] = MappingProxyType(
    {
        "ready": Ready,
        "advanced": Advanced,
        "reconnected": Reconnected,
        "live": Live,
        "chat": Chat,
        "monitor": Monitor,
    }
)

# The messages after which a waiting page may go on without reading the database again.
GO_ON_TYPES: Final = frozenset({"ready", "advanced"})


def ready() -> Ready:
    """The "ready" notice of a wait page or a formed group."""
    return {"type": "ready"}


def advanced() -> Advanced:
    """The "advanced" notice of a participant moved on by the server."""
    return {"type": "advanced"}


def reconnected() -> Reconnected:
    """The notice a subscription yields when it may have missed messages."""
    return {"type": "reconnected"}


def encode(message: Message) -> dict[str, Any]:
    """The JSON-ready dict that goes over the group layer and websockets."""
    return dict(message)


def decode(raw: object) -> Message | None:
    """The message a received dict holds; None for an unknown type or missing fields."""
    if not isinstance(raw, dict):
        return None
    message_type = MESSAGE_TYPES.get(str(raw.get("type")))
    if message_type is None or not message_type.__required_keys__ <= raw.keys():
        return None
    return cast(Message, raw)


def lets_page_go_on(message: Message | None) -> bool:
    """True for "ready" and "advanced": published only after the commit that made it so."""
    return message is not None and message["type"] in GO_ON_TYPES
