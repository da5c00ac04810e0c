"""action_answer_from_page: answer above the threshold, else say so; never three fallbacks in a row."""

from __future__ import annotations

import asyncio

from actions.page_answers import ActionAnswerFromPage, consecutive_fallbacks


def bot(utter: str) -> dict:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": utter}}


def user(text: str = "x") -> dict:
    return {"event": "user", "text": text}


def run(tracker, dispatcher) -> list:
    return asyncio.run(ActionAnswerFromPage().run(dispatcher, tracker, {}))


def responses(dispatcher) -> list:
    return [m["response"] for m in dispatcher.messages]


def test_a_page_question_is_answered_from_the_best_section(dispatcher, tracker_factory) -> None:
    run(tracker_factory("how does somatic reconnection retrain the body for touch and presence"), dispatcher)
    assert responses(dispatcher) == ["utter_retrieval_intro", "utter_faq/focus_somatic"]


def test_an_off_page_question_gets_an_honest_no(dispatcher, tracker_factory) -> None:
    run(tracker_factory("what is the capital of peru"), dispatcher)
    assert responses(dispatcher) == ["utter_page_doesnt_say"]


def test_second_fallback_in_a_row_offers_the_menu(dispatcher, tracker_factory) -> None:
    history = [user("blah"), bot("utter_page_doesnt_say")]
    run(tracker_factory("qwerty uiop", events=history), dispatcher)
    assert responses(dispatcher) == ["utter_fallback_menu"]


def test_fallback_after_a_good_answer_starts_counting_again(dispatcher, tracker_factory) -> None:
    history = [user(), bot("utter_page_doesnt_say"), user(), bot("utter_faq/overview")]
    run(tracker_factory("qwerty uiop", events=history), dispatcher)
    assert responses(dispatcher) == ["utter_page_doesnt_say"]


def test_empty_text_is_not_searched(dispatcher, tracker_factory) -> None:
    run(tracker_factory("   "), dispatcher)
    assert responses(dispatcher) == ["utter_page_doesnt_say"]


def test_consecutive_fallbacks_counts_only_the_latest_run() -> None:
    events = [
        user(),
        bot("utter_page_doesnt_say"),
        user(),
        bot("utter_greet"),
        user(),
        bot("utter_page_doesnt_say"),
        user(),
        bot("utter_fallback_menu"),
        user(),
    ]
    assert consecutive_fallbacks(events) == 2
    assert consecutive_fallbacks([user()]) == 0
