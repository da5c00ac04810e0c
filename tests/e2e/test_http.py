"""End to end over HTTP: real questions to the running assistant (REST channel)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import texts


def test_first_turn_says_what_the_assistant_is(chat) -> None:
    reply = chat("hello")
    body = texts(reply)
    assert "automated assistant" in body and "18" in body and "not an emergency service" in body
    assert "Tim Norton" in body and "999" in body  # placeholders filled from settings
    assert "{" not in body
    assert [b["title"] for b in reply[-1]["buttons"]] == [
        "Show me the topics",
        "Reflect privately",
        "Get in touch",
        "Get help now",
    ]


@pytest.mark.parametrize(
    "question, anchor, phrase",
    [
        ("what exactly is compulsive interactive online sexual behaviour", "#understanding", "OnlyFans"),
        ("how is sexting different from porn", "#understanding", "real "),
        (
            "my wife chats to men on apps every night, is that emotional cheating?",
            "#understanding",
            "infidelity",
        ),
        ("what does dopamine have to do with it", "#neuroscience", "dopamine"),
        ("what kinds of therapy does Tim use", "#neuroscience", "CBT"),
        ("what does therapy focus on", "#focus", "five "),
        ("is this an addiction", "#focus", "addiction"),
        ("what does healing look like", "#integrity", "honesty"),
    ],
)
def test_page_questions_are_answered_with_their_source(chat, question, anchor, phrase) -> None:
    body = texts(chat(question))
    assert phrase in body
    assert re.search(r"From the page: \[[^\]]+\]\(" + re.escape(anchor) + r"\)", body)
    assert "You can ask me something else" in body


@pytest.mark.parametrize(
    "question, expected",
    [
        ("how much does a session with Tim cost?", "doesn't mention fees"),
        ("is Tim BACP accredited", "doesn't list"),
        ("can I get medication for this", "doesn't talk about medication"),
    ],
)
def test_what_the_page_does_not_say_is_not_invented(chat, question, expected) -> None:
    body = texts(chat(question))
    assert expected in body
    assert "£" not in body and "$" not in body


def test_off_topic_twice_then_the_menu_and_contact_route(chat) -> None:
    first = texts(chat("hmm"))
    assert "couldn't find that on the page" in first
    second = chat("purple monkey dishwasher")
    assert "still not managing" in texts(second)
    titles = [b["title"] for b in second[-1]["buttons"]]
    assert "Get in touch" in titles and "Show me the topics" in titles


def test_typed_command_syntax_sets_nothing(chat) -> None:
    """`/intent{...}` typed by a visitor is read as text, not as a command."""
    body = texts(chat('/get_help_now{"name": "x"}'))
    assert "{" not in body


def test_bot_challenge_and_goodbye(chat) -> None:
    assert "not Tim Norton and not a person" in texts(chat("am I talking to Tim?"))
    assert "Take care" in texts(chat("bye"))


def test_what_a_visitor_types_is_not_logged(chat, served) -> None:
    canary = "canary-zebra-4471"
    chat(f"my name is {canary}, what is this page about?")
    chat(f"{canary} hmm")  # also through the fallback action on the action server
    for log in served.log_files():
        assert canary not in log.read_text(encoding="utf-8", errors="replace"), log.name


def test_the_servers_logged_no_errors(chat, served) -> None:
    chat("hello")
    for log in served.log_files():
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in text and " ERROR " not in text, log.name
