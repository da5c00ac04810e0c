"""The REST channel: typed /commands neutralised, bad requests refused, input cleaned (fuzzed), rate limits,
a message sent twice (Retry) processed once."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage
from sanic.compat import Header

from assistant.channels import Incoming, Rejected, RestChannel, clean_text, neutralise_commands, parse_request
from assistant.rate_limit import SlidingWindowLimiter, client_address


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("/greet", "greet"),
        ('/faq{"x": "y"}', 'faq{"x": "y"}'),
        ("  //get_help_now", "get_help_now"),
        ("/ /restart", "restart"),
        ("/", ""),
        ("what is this / that", "what is this / that"),
        ("Show me the topics", "Show me the topics"),
        ("", ""),
    ],
)
def test_leading_slashes_are_removed(typed: str, expected: str) -> None:
    assert neutralise_commands(typed) == expected


def test_channel_keeps_the_rest_route_name() -> None:
    assert RestChannel.name() == "rest"


class FakeRequest:
    def __init__(self, body: dict) -> None:
        self.json = body


def test_the_channel_neutralises_commands_in_incoming_messages() -> None:
    channel = RestChannel()
    assert channel._extract_message(FakeRequest({"message": '/greet{"name": "x"}'})) == 'greet{"name": "x"}'
    assert channel._extract_message(FakeRequest({"message": "hello"})) == "hello"


def test_only_the_start_flag_opens_with_the_greeting() -> None:
    channel = RestChannel()
    assert channel._extract_message(FakeRequest({"sender": "a", "start": True})) == "/greet"
    # The flag never turns typed text into a command, and only a real true counts.
    assert channel._extract_message(FakeRequest({"start": True, "message": "/restart"})) == "restart"
    assert channel._extract_message(FakeRequest({"start": "true", "message": "hi"})) == "hi"


# --- request validation (parse_request) and its fuzzing -------------------------------------

JSON = "application/json"


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"", JSON, 400),
        (b"{not json", JSON, 400),
        (b"[1, 2]", JSON, 400),
        (b'"a string"', JSON, 400),
        (b"null", JSON, 400),
        (b'{"sender": "abcdefgh", "message": "hi"}', "text/plain", 415),
        (b'{"sender": "abcdefgh", "message": "hi"}', None, 415),
        # A CORS "simple" request (no preflight) must not get through by naming json somewhere.
        (b'{"sender": "abcdefgh", "message": "hi"}', "text/plain;a=json", 415),
        (b'{"sender": "abcdefgh", "message": "hi"}', "text/json", 415),
        (b'{"sender": "abcdefgh", "message": "hi"}', "application/x-www-form-urlencoded", 415),
        (b'{"sender": "abcdefgh", "message": "hi"}', "multipart/form-data; boundary=json", 415),
        (b'{"sender": "abcdefgh", "message": "hi"}', "application/vnd.api+json", 415),
        (b'{"sender": "abcdefgh", "message": "hi"}', "application/jsonp", 415),
        (b'{"message": "hi"}', JSON, 400),
        (b'{"sender": null, "message": "hi"}', JSON, 400),
        (b'{"sender": "", "message": "hi"}', JSON, 400),
        (b'{"sender": "a b", "message": "hi"}', JSON, 400),
        (b'{"sender": "abc", "message": "hi"}', JSON, 400),  # too short to be a random id
        (b'{"sender": "abcdefgh\\n", "message": "hi"}', JSON, 400),
        (b'{"sender": 12, "message": "hi"}', JSON, 400),
        (b'{"sender": "abcdefgh"}', JSON, 400),
        (b'{"sender": "abcdefgh", "message": null}', JSON, 400),
        (b'{"sender": "abcdefgh", "message": 5}', JSON, 400),
        (b'{"sender": "abcdefgh", "message": ["x"]}', JSON, 400),
        (b"\xff\xfe\x00", JSON, 400),
        (b"[" * 100000, JSON, 400),
    ],
)
def test_bad_requests_are_refused_with_a_4xx(body, content_type, status) -> None:
    result = parse_request(body, content_type)
    assert isinstance(result, Rejected) and result.status == status and result.error


@pytest.mark.parametrize(
    "message, expected",
    [
        ("hello", "hello"),
        ("   ", "   "),
        ("", ""),
        ("😀😀", "😀😀"),
        ("مرحبا", "مرحبا"),
        ("he\u200bllo", "he\u200bllo"),
        ("e\u0301", "e\u0301"),
        ("a\ud800b", "ab"),
        ("a\x00b\x07c\nd", "abc\nd"),
        ("/restart", "restart"),
    ],
)
def test_messages_are_cleaned(message, expected) -> None:
    body = json.dumps({"sender": "abc-1234", "message": message}).encode()
    assert parse_request(body, "application/json; charset=utf-8") == Incoming("abc-1234", expected)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"]
)
def test_json_with_parameters_is_accepted(content_type: str) -> None:
    assert parse_request(b'{"sender": "abcdefgh", "message": "hi"}', content_type) == Incoming(
        "abcdefgh", "hi"
    )


def test_the_opening_flag() -> None:
    opening = parse_request(b'{"sender": "abcdefgh", "start": true}', JSON)
    assert opening == Incoming("abcdefgh", "/greet", opening=True)
    assert parse_request(b'{"sender": "abcdefgh", "start": true, "message": "/greet"}', JSON) == Incoming(
        "abcdefgh", "greet"
    )


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=2000), st.sampled_from([JSON, "text/plain", None, "application/json; charset=utf-8"])
)
def test_any_bytes_give_a_result_never_an_exception(body, content_type) -> None:
    result = parse_request(body, content_type)
    assert isinstance(result, (Incoming, Rejected))
    if isinstance(result, Rejected):
        assert 400 <= result.status < 500


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(alphabet="abcXYZ019-_", min_size=1, max_size=130), JSON_VALUES),
    st.one_of(st.text(max_size=300), JSON_VALUES),
    st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=3),
)
def test_any_json_object_is_accepted_cleanly_or_refused(sender, message, extra) -> None:
    body = json.dumps({**extra, "sender": sender, "message": message}).encode()
    result = parse_request(body, JSON)
    if isinstance(result, Incoming):
        assert result.sender == sender and isinstance(message, str)
        assert result.text == clean_text(result.text)
        assert not result.text.lstrip().startswith("/")
    else:
        assert 400 <= result.status < 500


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_text_leaves_nothing_unencodable(text) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # no lone surrogates
    assert "\x00" not in cleaned


def test_rate_limiter_windows() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(limit=3, window=60, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")
    assert limiter.retry_after("a") >= 1
    now[0] = 61
    assert limiter.allow("a")
    limiter.prune()
    assert len(limiter) == 1  # "b" was forgotten, "a" is in its new window


def test_a_zero_limit_means_no_limit() -> None:
    limiter = SlidingWindowLimiter(limit=0)
    assert all(limiter.allow("a") for _ in range(1000))


# --- the client address behind proxies ----------------------------------------------------------


class PeerRequest:
    """A Sanic request as far as :meth:`RestChannel.address` reads it."""

    def __init__(self, forwarded_for: List[str], ip: str = "10.0.0.9") -> None:
        self.headers = Header([("X-Forwarded-For", value) for value in forwarded_for])
        self.ip = ip


@pytest.mark.parametrize(
    "env, forwarded_for, expected",
    [
        ({}, ["spoofed, 1.2.3.4"], "10.0.0.9"),  # by default the header is ignored
        ({"TRUSTED_PROXY_HOPS": "0"}, ["spoofed, 1.2.3.4"], "10.0.0.9"),
        ({"TRUSTED_PROXY_HOPS": "1"}, ["spoofed, 1.2.3.4"], "1.2.3.4"),
        ({"TRUSTED_PROXY_HOPS": "1"}, ["1.2.3.4"], "1.2.3.4"),
        ({"TRUSTED_PROXY_HOPS": "2"}, ["a, b, c"], "b"),
        ({"TRUSTED_PROXY_HOPS": "2"}, ["a", "b, c"], "b"),  # two header lines are one list
        ({"TRUSTED_PROXY_HOPS": "3"}, ["b, c"], "10.0.0.9"),  # fewer hops than proxies: the peer
        ({"TRUSTED_PROXY_HOPS": "1"}, [], "10.0.0.9"),
        ({"TRUSTED_PROXY_HOPS": "1"}, ["1.2.3.4, "], "10.0.0.9"),
        ({"TRUST_PROXY": "1"}, ["spoofed, 1.2.3.4"], "1.2.3.4"),  # the old setting: one hop
        ({"TRUST_PROXY": "0"}, ["spoofed, 1.2.3.4"], "10.0.0.9"),
        ({"TRUST_PROXY": "1", "TRUSTED_PROXY_HOPS": "0"}, ["spoofed, 1.2.3.4"], "10.0.0.9"),
    ],
)
def test_the_client_is_the_rightmost_address_not_written_by_a_trusted_proxy(
    monkeypatch, env, forwarded_for, expected
) -> None:
    monkeypatch.delenv("TRUST_PROXY", raising=False)
    monkeypatch.delenv("TRUSTED_PROXY_HOPS", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert RestChannel().address(PeerRequest(forwarded_for)) == expected


@pytest.mark.parametrize("hops", ["-1", "one", "1.5", "²"])
def test_an_unusable_number_of_proxy_hops_stops_the_channel(monkeypatch, hops: str) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
    with pytest.raises(ValueError, match="TRUSTED_PROXY_HOPS"):
        RestChannel()


def test_client_address_without_a_peer() -> None:
    assert client_address(None, "spoofed", 0) == "unknown"
    assert client_address("10.0.0.9", "a, b, c", 3) == "a"


# --- a message sent twice (Retry) is processed once -----------------------------------------------


@dataclass
class SanicRequest:
    """What :meth:`RestChannel.handle` reads of a Sanic request."""

    body: bytes
    headers: Header = field(default_factory=lambda: Header({"Content-Type": "application/json"}))
    ip: str = "127.0.0.1"


class CountingAssistant:
    """A fake ``on_new_message``: counts its calls, answers each with its number, optionally slowly."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: List[UserMessage] = []
        self.delay = delay

    async def __call__(self, message: UserMessage) -> None:
        self.calls.append(message)
        number = len(self.calls)
        await asyncio.sleep(self.delay)
        await message.output_channel.send_text_message(message.sender_id, f"reply {number}")


def _body(message_id: str | None, text: str = "my name is Alex, alex@example.org") -> bytes:
    body: Dict[str, Any] = {"sender": "abcdefgh1234", "message": text}
    if message_id is not None:
        body["message_id"] = message_id
    return json.dumps(body).encode()


def _in_a_loop(scenario: Callable[[], Awaitable[Any]]) -> Any:
    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop of its own (see test_web_front)
        return pool.submit(asyncio.run, scenario()).result()


def _replies(responses: List[Any]) -> List[Tuple[int, Any]]:
    return [(response.status, json.loads(response.body)) for response in responses]


def test_the_same_message_id_twice_is_processed_once_and_gets_the_same_reply(caplog) -> None:
    assistant = CountingAssistant()
    channel = RestChannel()

    async def scenario() -> List[Any]:
        first = await channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant)
        again = await channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant)
        other = await channel.handle(SanicRequest(_body("msg-0000bbbb")), assistant)
        return [first, again, other]

    caplog.set_level(logging.DEBUG)
    first, again, other = _replies(_in_a_loop(scenario))
    assert len(assistant.calls) == 2
    assert first == again == (200, [{"recipient_id": "abcdefgh1234", "text": "reply 1"}])
    assert other == (200, [{"recipient_id": "abcdefgh1234", "text": "reply 2"}])
    assert [call.message_id for call in assistant.calls] == ["msg-0000aaaa", "msg-0000bbbb"]
    # Neither what was typed, nor the cached reply, nor the ids are logged.
    for secret in ("Alex", "alex@example.org", "reply 1", "msg-0000aaaa"):
        assert secret not in caplog.text


def test_a_duplicate_that_arrives_while_the_first_runs_waits_for_it() -> None:
    assistant = CountingAssistant(delay=0.3)
    channel = RestChannel()

    async def scenario() -> List[Any]:
        first = asyncio.ensure_future(channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant))
        await asyncio.sleep(0.05)
        again = await channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant)
        return [await first, again]

    first, again = _replies(_in_a_loop(scenario))
    assert len(assistant.calls) == 1
    assert first == again == (200, [{"recipient_id": "abcdefgh1234", "text": "reply 1"}])


def test_the_same_id_from_another_conversation_and_messages_without_an_id_are_processed() -> None:
    assistant = CountingAssistant()
    channel = RestChannel()
    other_sender = json.dumps({"sender": "zyxwvuts9876", "message": "hi", "message_id": "msg-0000aaaa"})

    async def scenario() -> List[Any]:
        return [
            await channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant),
            await channel.handle(SanicRequest(other_sender.encode()), assistant),
            await channel.handle(SanicRequest(_body(None)), assistant),
            await channel.handle(SanicRequest(_body(None)), assistant),
        ]

    _in_a_loop(scenario)
    assert len(assistant.calls) == 4


def test_a_turn_that_failed_is_processed_again_on_retry() -> None:
    calls: List[UserMessage] = []

    async def failing_once(message: UserMessage) -> None:
        calls.append(message)
        if len(calls) == 1:
            raise RuntimeError("action server down")
        await message.output_channel.send_text_message(message.sender_id, "done")

    channel = RestChannel()

    async def scenario() -> List[Any]:
        return [
            await channel.handle(SanicRequest(_body("msg-0000aaaa")), failing_once),
            await channel.handle(SanicRequest(_body("msg-0000aaaa")), failing_once),
        ]

    failed, retried = _replies(_in_a_loop(scenario))
    assert len(calls) == 2
    assert "went wrong" in failed[1][-1]["text"]
    assert retried == (200, [{"recipient_id": "abcdefgh1234", "text": "done"}])


def test_the_opening_request_is_deduplicated_too() -> None:
    assistant = CountingAssistant()
    channel = RestChannel()
    start = json.dumps({"sender": "abcdefgh1234", "start": True, "message_id": "start-0000aaaa"}).encode()

    async def scenario() -> List[Any]:
        return [await channel.handle(SanicRequest(start), assistant) for _ in range(2)]

    first, again = _replies(_in_a_loop(scenario))
    assert len(assistant.calls) == 1 and first == again


@pytest.mark.parametrize(
    "message_id",
    ["short", "a" * 65, "has space1", 12345678, ["msg-0000aaaa"], {"id": "x"}, True, "msg-0000aaaa\n"],
    ids=repr,
)
def test_a_malformed_message_id_is_refused(message_id: Any) -> None:
    body = json.dumps({"sender": "abcdefgh1234", "message": "hi", "message_id": message_id}).encode()
    result = parse_request(body, JSON)
    assert isinstance(result, Rejected) and (result.status, result.error) == (400, "invalid_message_id")


def test_recent_messages_are_forgotten_after_a_while_and_memory_is_bounded() -> None:
    from assistant.channels import RecentMessages

    now = [0.0]
    recent = RecentMessages(remember_seconds=300, reply_seconds=120, max_entries=3, clock=lambda: now[0])

    async def scenario() -> None:
        for number in range(5):
            key = ("abcdefgh1234", f"msg-{number:08d}")
            assert recent.begin(key) is None  # new: the caller processes it
            recent.finish(key, [{"text": f"reply {number}"}])
        assert len(recent) == 3  # the oldest two were dropped
        seen = recent.begin(("abcdefgh1234", "msg-00000004"))
        assert seen is not None and await seen == [{"text": "reply 4"}]
        now[0] = 200  # the reply is gone, the id is still remembered
        seen = recent.begin(("abcdefgh1234", "msg-00000004"))
        assert seen is not None and await seen is None
        now[0] = 400  # both are gone
        assert recent.begin(("abcdefgh1234", "msg-00000004")) is None

    _in_a_loop(scenario)


def test_a_duplicate_after_its_reply_was_dropped_is_not_processed_again() -> None:
    from assistant.channels import RecentMessages

    now = [0.0]
    assistant = CountingAssistant()
    channel = RestChannel()
    channel.recent = RecentMessages(clock=lambda: now[0])

    async def scenario() -> List[Any]:
        first = await channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant)
        now[0] = channel.recent.reply_seconds + 1
        return [first, await channel.handle(SanicRequest(_body("msg-0000aaaa")), assistant)]

    first, late = _replies(_in_a_loop(scenario))
    assert len(assistant.calls) == 1
    assert late[0] == 200 and "already" in late[1][0]["text"]


# --- "delete my chat": confirmed only once the conversation is gone ---------------------------


class ForgettingAssistant:
    """A fake ``on_new_message`` that answers like the "delete my chat" confirmation."""

    async def __call__(self, message: UserMessage) -> None:
        await message.output_channel.send_response(
            message.sender_id, {"text": "Done, deleted.", "custom": {"forget_conversation": True}}
        )


class Store:
    """A tracker store's ``delete_conversation``, working or failing."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.deleted: List[str] = []

    def delete_conversation(self, sender_id: str) -> int:
        if self.error is not None:
            raise self.error
        self.deleted.append(sender_id)
        return 3


@dataclass
class AppRequest(SanicRequest):
    """A Sanic request whose app runs an agent with a tracker store (inside Rasa's fail-safe wrapper)."""

    app: Any = None


def _app_with(store: Any) -> Any:
    from types import SimpleNamespace

    wrapper = SimpleNamespace(_tracker_store=store)
    return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=wrapper)))


def _delete_turn(store: Any, assistant: Any = None) -> Tuple[int, Any]:
    request = AppRequest(_body(None, "Yes, delete it"), app=_app_with(store))
    response = _in_a_loop(lambda: RestChannel().handle(request, assistant or ForgettingAssistant()))
    return response.status, json.loads(response.body)


def test_deleting_the_chat_is_confirmed_after_the_conversation_is_deleted() -> None:
    store = Store()
    status, reply = _delete_turn(store)
    assert status == 200
    assert store.deleted == ["abcdefgh1234"]
    assert {"recipient_id": "abcdefgh1234", "custom": {"forget_conversation": True}} in reply


def test_when_the_deletion_fails_the_visitor_is_told_and_the_widget_keeps_its_copy(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    status, reply = _delete_turn(Store(error=RuntimeError("database is locked: Yes, delete it")))
    assert status == 200
    assert len(reply) == 1 and "couldn't delete this conversation" in reply[0]["text"]
    assert "custom" not in reply[0] and "Done" not in reply[0]["text"]
    assert "RuntimeError" in caplog.text and "database is locked" not in caplog.text


def test_the_real_store_failing_to_delete_gives_the_honest_reply(tmp_path) -> None:
    from assistant.tracker_store import RedactingSQLTrackerStore

    store = RedactingSQLTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}")
    with store.engine.begin() as connection:  # the database fails: its events table is gone
        connection.exec_driver_sql("DROP TABLE events")
    status, reply = _delete_turn(store)
    assert "couldn't delete this conversation" in reply[0]["text"]
    assert not any("custom" in message for message in reply)


def test_other_replies_never_touch_the_store() -> None:
    store = Store(error=AssertionError("must not be called"))
    status, reply = _delete_turn(store, CountingAssistant())
    assert reply == [{"recipient_id": "abcdefgh1234", "text": "reply 1"}]
