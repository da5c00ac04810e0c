"""The scorer of question sets and scripted conversations reads replies as a visitor sees them."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from assistant import answers
from assistant.evaluation.conversation import (
    Label,
    QuestionResult,
    ReplyReader,
    question_figures,
    run_conversation,
    turn_passes,
)
from assistant.privacy import render_statements
from assistant.settings import get_settings

K = answers.knowledge()


@pytest.fixture(scope="module")
def reader() -> ReplyReader:
    return ReplyReader()


@pytest.fixture(scope="module")
def statements() -> Dict[str, str]:
    return render_statements(get_settings().template_vars())


def test_privacy_replies_that_share_a_statement_are_told_apart(
    reader: ReplyReader, statements: Dict[str, str]
) -> None:
    both = reader.read({"text": f"{statements['anonymous']} {statements['who_reads']}"})
    assert both == [Label("response", "utter_privacy/confidential")]
    assert reader.read({"text": statements["who_reads"]}) == [Label("response", "utter_privacy/who_reads")]


def test_a_reply_missing_an_unconfigured_line_is_still_recognised(reader: ReplyReader) -> None:
    text = (
        "There are a few ways to reach Tim Norton. None of them commits you to anything, and you "
        "don't have to explain everything at once.\n\n- Or use the contact details on this website."
    )
    assert reader.read({"text": text}) == [Label("response", "utter_contact")]


def test_page_answers_follow_ups_and_clarifying_questions(reader: ReplyReader) -> None:
    section = K.section("focus_somatic")
    assert reader.read(answers.first_answers(section)[1]) == [Label("first", "focus_somatic")]
    assert reader.read(answers.plain_answer(section)) == [Label("plain", "focus_somatic")]
    assert reader.read(answers.more_answer(section)) == [Label("more", "focus_somatic")]
    clarify = answers.clarify([section, K.section("approaches")])
    assert reader.read(clarify) == [Label("clarify", "focus_somatic"), Label("clarify", "approaches")]
    assert reader.read({"text": "Something nobody wrote."})[0].kind == "unknown"


def test_expectations() -> None:
    first = [Label("first", "neuroscience")]
    assert turn_passes({"section": ["neuroscience", "focus_dopamine"]}, first, {})
    assert not turn_passes({"section": ["approaches"]}, first, {})
    assert turn_passes({"section": ["approaches"]}, [Label("clarify", "approaches")], {})
    assert turn_passes({"followup": "plain"}, [Label("plain", "process")], {"section": "process"})
    assert not turn_passes({"followup": "plain"}, [Label("plain", "process")], {"section": "overview"})
    assert turn_passes({"privacy": "stored"}, [Label("response", "utter_privacy/stored")], {})
    asked = {"reflection_ask": "utter_ask_reflect_gives"}
    again = [Label("response", "utter_privacy/who_reads"), Label("response", "utter_ask_reflect_gives")]
    assert turn_passes({"reflection": "same_step"}, again, asked)
    assert turn_passes({"any": True}, [], {})


def test_a_conversation_carries_the_section_into_the_follow_up(reader: ReplyReader) -> None:
    section = K.section("process")
    replies: List[List[Dict[str, Any]]] = [
        [answers.first_answers(section)[0]],
        [answers.more_answer(section)],
    ]

    def send(sender: str, text: str) -> List[Dict[str, Any]]:
        return replies.pop(0)

    conversation = {
        "name": "more",
        "turns": [
            {"user": "what does change look like", "expect": {"section": ["process"]}},
            {"user": "go on", "expect": {"followup": "more"}},
        ],
    }
    assert run_conversation(send, reader, conversation).passed


def test_question_figures() -> None:
    results = [
        QuestionResult("a", ["overview"], [Label("first", "overview")]),
        QuestionResult("b", ["process"], [Label("response", "utter_page_doesnt_say")]),
        QuestionResult("c", ["not_on_page"], [Label("response", "utter_not_on_page/price")]),
    ]
    figures = question_figures(results)
    assert figures["fitting"] == pytest.approx(2 / 3)
    assert figures["answerable_bare_fallback"] == pytest.approx(0.5)
    assert figures["not_on_page_honest"] == 1.0


def test_a_list_item_answered_with_its_own_section_is_an_item_follow_up(reader: ReplyReader) -> None:
    focus, attachment = K.section("focus_areas"), K.section("focus_attachment")
    replies: List[List[Dict[str, Any]]] = [
        [answers.first_answers(focus)[0]],
        [answers.first_answers(attachment)[0]],
        [answers.first_answers(K.section("process"))[0]],
    ]

    def send(sender: str, text: str) -> List[Dict[str, Any]]:
        return replies.pop(0)

    turns = [
        {"user": "what does therapy focus on", "expect": {"section": ["focus_areas"]}},
        {"user": "the second one", "expect": {"followup": "item"}},
    ]
    assert run_conversation(send, reader, {"name": "item", "turns": turns}).passed
    # A section that is not one of the list's items is not an answer about one of them.
    turns = [
        {"user": "what does therapy focus on", "expect": {"section": ["focus_areas"]}},
        {"user": "the second one", "expect": {"followup": "item"}},
    ]
    replies[:] = [[answers.first_answers(focus)[0]], [answers.first_answers(K.section("process"))[0]]]
    assert not run_conversation(send, reader, {"name": "not an item", "turns": turns}).passed
