"""The REST channel: typed /commands neutralised, bad requests refused, input cleaned (fuzzed), rate limits."""

from __future__ import annotations

import json
from typing import List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
