"""Typed /commands must not reach Rasa as commands."""

from __future__ import annotations

import pytest

from assistant.channels import RestChannel, neutralise_commands


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
