"""The REST channel: typed /commands neutralised, bad requests refused, input cleaned (fuzzed), rate limits."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.channels import Incoming, Rejected, RestChannel, clean_text, neutralise_commands, parse_request
from assistant.rate_limit import SlidingWindowLimiter


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
        (b'{"sender": "abc", "message": "hi"}', "text/plain", 415),
        (b'{"sender": "abc", "message": "hi"}', None, 415),
        (b'{"message": "hi"}', JSON, 400),
        (b'{"sender": null, "message": "hi"}', JSON, 400),
        (b'{"sender": "", "message": "hi"}', JSON, 400),
        (b'{"sender": "a b", "message": "hi"}', JSON, 400),
        (b'{"sender": 12, "message": "hi"}', JSON, 400),
        (b'{"sender": "abc"}', JSON, 400),
        (b'{"sender": "abc", "message": null}', JSON, 400),
        (b'{"sender": "abc", "message": 5}', JSON, 400),
        (b'{"sender": "abc", "message": ["x"]}', JSON, 400),
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
    body = json.dumps({"sender": "abc-123", "message": message}).encode()
    assert parse_request(body, "application/json; charset=utf-8") == Incoming("abc-123", expected)


def test_the_opening_flag() -> None:
    assert parse_request(b'{"sender": "abc", "start": true}', JSON) == Incoming("abc", "/greet", opening=True)
    assert parse_request(b'{"sender": "abc", "start": true, "message": "/greet"}', JSON) == Incoming(
        "abc", "greet"
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
