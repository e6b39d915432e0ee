"""Group-layer messages: what goes over the wire is the JSON the pages' script reads."""

from __future__ import annotations

import json

import pytest

from otree_async.flow.messages import (
    advanced,
    decode,
    encode,
    lets_page_go_on,
    ready,
    reconnected,
)


def test_ready_and_advanced_keep_the_wire_format_the_pages_read() -> None:
    # reload_socket.js compares the received `type` with "ready" (wait pages) and "advanced".
    assert json.dumps(encode(ready())) == '{"type": "ready"}'
    assert json.dumps(encode(advanced())) == '{"type": "advanced"}'


def test_a_received_message_decodes_to_what_was_sent() -> None:
    for message in (ready(), advanced(), reconnected()):
        assert decode(json.loads(json.dumps(encode(message)))) == message
    chat = {"type": "chat", "nickname": "P1", "body": "hello"}
    assert decode(chat) == chat


@pytest.mark.parametrize(
    "raw",
    [None, "ready", ["ready"], {}, {"type": "nonsense"}, {"type": "chat", "body": "no nickname"}],
)
def test_anything_else_decodes_to_nothing(raw: object) -> None:
    assert decode(raw) is None
    assert not lets_page_go_on(decode(raw))


def test_only_ready_and_advanced_let_a_waiting_page_go_on() -> None:
    assert lets_page_go_on(ready())
    assert lets_page_go_on(advanced())
    assert not lets_page_go_on(reconnected())
    assert not lets_page_go_on(decode({"type": "monitor", "participant_code": "abc"}))
