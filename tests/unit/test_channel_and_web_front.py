"""The two chat routes, Rasa's channel (assistant/channels.py) and the web front's proxy
(assistant/web/app.py), accept and refuse the same requests."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import pytest
from aiohttp.test_utils import TestClient
from rasa.core.channels.channel import UserMessage
from sanic.compat import Header

from assistant.channels import RestChannel
from tests.unit.test_web_front import WEBHOOK, FakeRasa, run


@dataclass
class FakeSanicRequest:
    """What :meth:`RestChannel.handle` reads of a Sanic request."""

    body: bytes
    headers: Header
    ip: str = "127.0.0.1"


async def fake_assistant(message: UserMessage) -> None:
    """Answers every message with one line."""
    await message.output_channel.send_text_message(message.sender_id, "hello")


# What a route answers: the status and, for a refusal, the error code.
Outcome = Tuple[int, Any]


def _outcome(status: int, body: Any) -> Outcome:
    return status, body.get("error") if isinstance(body, dict) else None


def channel(body: bytes, headers: Dict[str, str]) -> Outcome:
    """What the channel's webhook answers ``body`` with (a fresh channel, no limits reached)."""
    request: Any = FakeSanicRequest(body, Header(headers))
    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop of its own, as in test_web_front
        response = pool.submit(asyncio.run, RestChannel().handle(request, fake_assistant)).result()
    return _outcome(response.status, json.loads(response.body))


def web_front(body: bytes, headers: Dict[str, str]) -> Outcome:
    """What the web front's proxy answers ``body`` with (a fake Rasa behind it)."""
    outcomes: List[Outcome] = []

    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(WEBHOOK, data=body, headers=headers)
        outcomes.append(_outcome(response.status, await response.json()))

    run(scenario)
    return outcomes[0]


ROUTES = {"channel": channel, "web front": web_front}
MESSAGE = b'{"sender": "abcdefgh1234", "message": "hi"}'


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;a=json",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=json",
        "application/vnd.api+json",
    ],
)
def test_both_routes_refuse_what_is_not_application_json(route: str, content_type: str) -> None:
    assert ROUTES[route](MESSAGE, {"Content-Type": content_type}) == (415, "unsupported_media_type")


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_both_routes_accept_application_json(route: str, content_type: str) -> None:
    assert ROUTES[route](MESSAGE, {"Content-Type": content_type}) == (200, None)


SENDERS = {
    # sender: accepted by both routes
    "abcdefgh": True,  # 8, the shortest
    "a" * 64: True,  # the longest
    "0123456789abcdef0123456789abcdef": True,  # what the widget makes (crypto.randomUUID, no dashes)
    "Abc-def_1234": True,
    "a": False,
    "short": False,
    "abcdefg": False,
    "a" * 65: False,
    "a" * 128: False,
    "": False,
    "abcdefgh 1234": False,
    "abcdefgh1234\n": False,
    "../../etc/passwd": False,
    "éééééééééé": False,
    "abcdefgh１２３４": False,  # fullwidth digits
}


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("sender", sorted(SENDERS), ids=lambda sender: f"{len(sender)}:{sender[:16]!r}")
def test_both_routes_accept_and_refuse_the_same_senders(route: str, sender: str) -> None:
    body = json.dumps({"sender": sender, "message": "hi"}).encode()
    expected = (200, None) if SENDERS[sender] else (400, "invalid_sender")
    assert ROUTES[route](body, {"Content-Type": "application/json"}) == expected


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("sender", [None, 12345678, ["abcdefgh"], {"id": "abcdefgh"}, True])
def test_both_routes_refuse_a_sender_that_is_not_a_string(route: str, sender: Any) -> None:
    body = json.dumps({"sender": sender, "message": "hi"}).encode()
    assert ROUTES[route](body, {"Content-Type": "application/json"}) == (400, "invalid_sender")


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize(
    "body, expected",
    [
        (b"", (400, "malformed_json")),
        (b"{not json", (400, "malformed_json")),
        (b"\xff\xfe", (400, "malformed_json")),
        (b"[" * 5000, (400, "malformed_json")),
        (b'[{"sender": "abcdefgh1234", "message": "hi"}]', (400, "malformed_request")),
        (b'{"sender": "abcdefgh1234"}', (400, "empty_message")),
        (b'{"sender": "abcdefgh1234", "start": "yes"}', (400, "empty_message")),
        (b'{"sender": "abcdefgh1234", "message": 5}', (400, "invalid_message")),
        (b'{"sender": "abcdefgh1234", "start": true}', (200, None)),
    ],
    ids=lambda value: value[:24].decode("utf-8", "replace") if isinstance(value, bytes) else None,
)
def test_both_routes_parse_requests_alike(route: str, body: bytes, expected: Outcome) -> None:
    assert ROUTES[route](body, {"Content-Type": "application/json"}) == expected


MESSAGE_IDS = {
    # message_id: accepted by both routes (the widget makes 32 random hex digits, like a sender)
    "0123456789abcdef0123456789abcdef": True,
    "msg-0000_aaaa": True,
    "short": False,
    "a" * 65: False,
    "msg 0000 aaaa": False,
    "msg-0000aaaa\n": False,
    "": False,
}


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("message_id", sorted(MESSAGE_IDS), ids=repr)
def test_both_routes_accept_and_refuse_the_same_message_ids(route: str, message_id: str) -> None:
    body = json.dumps({"sender": "abcdefgh1234", "message": "hi", "message_id": message_id}).encode()
    expected = (200, None) if MESSAGE_IDS[message_id] else (400, "invalid_message_id")
    assert ROUTES[route](body, {"Content-Type": "application/json"}) == expected
