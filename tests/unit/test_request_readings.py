"""Requests the classifier reads as something else, typed where a form or an offer waits
(conversation set C): stop, ready, "can I do the reflection", "I want to book"; and the
chat-privacy answer kept to the privacy intent."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from assistant.nlu.conversation_gate import bare_followup, pointing_back, request_reading
from assistant.nlu.retrieval_gate import own_answer


@pytest.mark.parametrize(
    "text, classified, expected",
    [
        ("ok stop", "nlu_fallback", "stop"),
        ("can we stop this please", "start_reflection", "stop"),
        ("Stop now.", "share_context", "stop"),
        ("ok ready", "nlu_fallback", "affirm"),
        ("let's begin", "faq", "affirm"),
        ("I'm ready", "greet", "affirm"),
        ("could we do that reflection exercise", "faq", "start_reflection"),
        ("is there some kind of private self-reflection I can do here?", "privacy", "start_reflection"),
        ("I want to book a session with Tim", "not_on_page", "contact"),
        ("I'd like to speak to someone", "faq", "contact"),
    ],
)
def test_a_short_request_is_read_as_what_it_asks(text: str, classified: str, expected: str) -> None:
    assert request_reading(text, classified) == expected


@pytest.mark.parametrize(
    "text, classified",
    [
        ("stop", "stop"),  # already right
        ("I want to stop", "share_context"),  # about the behaviour, and a reflection answer
        ("stop lying to my wife", "faq"),
        ("I stopped going to the gym", "share_context"),
        ("what happens to my reflection answers, are they saved?", "privacy"),  # about keeping
        ("how much does it cost to book a session", "not_on_page"),
        ("can i see him online or only in person", "not_on_page"),
        ("i talk to him every night on the app", "faq"),
        ("i want to reach out to tim about this", "safety_can_tim_help"),  # the safety context decides
        ("I want to book a session with Tim", "feeling"),  # only questions are re-read
        ("", "nlu_fallback"),
    ],
)
def test_what_is_not_such_a_request_is_left_alone(text: str, classified: str) -> None:
    assert request_reading(text, classified) is None


def selector(top: str, ranking: Dict[str, float]) -> Dict[str, Any]:
    return {
        "default": {
            "response": {
                "intent_response_key": top,
                "confidence": ranking[top],
                "utter_action": f"utter_{top}",
            },
            "ranking": [{"intent_response_key": key, "confidence": value} for key, value in ranking.items()],
        }
    }


def test_a_privacy_question_gets_a_privacy_answer_even_when_another_ranked_first() -> None:
    chosen = own_answer(
        selector("not_on_page/availability", {"not_on_page/availability": 0.5, "privacy/who_reads": 0.3}),
        "privacy",
    )
    assert chosen is not None
    assert chosen["response"]["intent_response_key"] == "privacy/who_reads"
    assert chosen["response"]["utter_action"] == "utter_privacy/who_reads"
    assert [entry["intent_response_key"] for entry in chosen["ranking"]] == ["privacy/who_reads"]


def test_the_selector_is_left_alone_when_its_answer_already_fits_or_none_would() -> None:
    assert (
        own_answer(selector("privacy/stored", {"privacy/stored": 0.9, "faq/overview": 0.1}), "privacy")
        is None
    )
    assert own_answer(selector("faq/overview", {"faq/overview": 0.9}), "privacy") is None
    assert own_answer({}, "privacy") is None


@pytest.mark.parametrize(
    "text, classified, too_close",
    [
        ("why does that make a difference tho", "faq", True),
        ("how does that actually help someone though?", "out_of_scope", False),
        ("why does it say that?", "nlu_fallback", False),
        ("ok so why is that", "what_can_you_do", False),
        ("hm how would that work", "share_context", False),
    ],
)
def test_a_short_question_about_the_last_answer_asks_for_more(
    text: str, classified: str, too_close: bool
) -> None:
    assert pointing_back(text, classified, too_close) == "followup_more"


@pytest.mark.parametrize(
    "text, classified, too_close",
    [
        ("why does that make a difference tho", "faq", False),  # the classifier knew the section
        ("how do i stop it", "nlu_fallback", False),  # a question of its own
        (
            "how is it different from porn when you chat with real people",
            "faq",
            True,
        ),  # too long to point back
        ("is that normal", "nlu_fallback", False),  # not why/how
        ("why does that make me feel so bad", "feeling", False),
    ],
)
def test_other_questions_are_left_to_the_classifier(text: str, classified: str, too_close: bool) -> None:
    assert pointing_back(text, classified, too_close) is None


def test_why_not_is_a_bare_request_for_more() -> None:
    assert bare_followup("why not?") == "followup_more"
