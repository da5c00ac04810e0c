"""The reflection's validation, summary and stop actions, and the privacy of its slots."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker

import actions.reflection as reflection
from actions.reflection import (
    PROMPTS,
    REFLECTION_SLOTS,
    ActionReflectionSummary,
    ActionStopReflection,
    ValidateReflectionForm,
    join_labels,
    looks_like_question,
)
from assistant import tracker_store
from assistant.safety.routes import SAFETY_INTENTS
from tests.conftest import all_responses


def tracker(
    text: str, intent: str = "share_context", slots: Dict[str, Any] | None = None, **latest: Any
) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.8}, **latest}
    return Tracker(
        sender_id="t",
        slots={"requested_slot": "reflect_before", **(slots or {})},
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={"name": "reflection_form"},
        latest_action_name="action_listen",
    )


def validate(slot: str, t: Tracker, dispatcher) -> Dict[str, Any]:
    return getattr(ValidateReflectionForm(), f"validate_{slot}")(t.latest_message["text"], dispatcher, t, {})


def sent(dispatcher) -> List[str]:
    return [m["response"] for m in dispatcher.messages]


@pytest.fixture
def fake_themes(monkeypatch):
    found: Dict[str, List[str]] = {}
    monkeypatch.setattr(reflection, "find_themes", lambda text: found.get(text, []))
    monkeypatch.setattr(reflection, "theme_labels", lambda ids: [f"label of {i}" for i in ids])
    return found


@pytest.mark.parametrize("slot", PROMPTS)
def test_an_answer_is_acknowledged_by_its_themes_and_only_ids_are_kept(slot, dispatcher, fake_themes) -> None:
    fake_themes["lonely at night"] = ["loneliness", "sleep"]
    result = validate(slot, tracker("lonely at night", slots={"reflection_themes": ["boredom"]}), dispatcher)
    assert result == {slot: "answered", "reflection_themes": ["boredom", "loneliness", "sleep"]}
    assert "lonely at night" not in str(result)
    [message] = dispatcher.messages
    assert message["response"] == f"utter_reflect_ack_{slot.removeprefix('reflect_')}"
    assert message["themes"] == "label of loneliness and label of sleep"


def test_an_answer_without_themes_gets_a_plain_acknowledgement(dispatcher, fake_themes) -> None:
    result = validate("reflect_gives", tracker("not sure really"), dispatcher)
    assert result == {"reflect_gives": "answered", "reflection_themes": []}
    assert sent(dispatcher) == ["utter_reflect_ack_plain"]


@pytest.mark.parametrize(
    "text, intent", [("skip", "skip"), ("Next", "share_context"), ("pass.", "deny"), ("-", "nlu_fallback")]
)
def test_skip_moves_on_without_an_answer(text, intent, dispatcher, fake_themes) -> None:
    assert validate("reflect_after", tracker(text, intent), dispatcher) == {"reflect_after": "skipped"}
    assert sent(dispatcher) == ["utter_reflect_ack_skip"]


def test_a_page_question_is_answered_and_the_same_prompt_is_asked_again(dispatcher, fake_themes) -> None:
    selector = {"faq": {"response": {"utter_action": "utter_faq/vs_pornography"}}}
    t = tracker("how is it different from porn?", "faq", response_selector=selector)
    assert validate("reflect_body", t, dispatcher) == {"reflect_body": None}
    assert sent(dispatcher) == ["utter_faq/vs_pornography"]


def test_a_question_the_classifier_was_unsure_of_is_searched_on_the_page(dispatcher, fake_themes) -> None:
    t = tracker("how does somatic reconnection retrain the body for touch and presence?", "nlu_fallback")
    assert validate("reflect_body", t, dispatcher) == {"reflect_body": None}
    assert sent(dispatcher) == ["utter_faq/focus_somatic"]


def test_contact_asked_mid_reflection_is_answered_then_the_prompt_repeats(dispatcher, fake_themes) -> None:
    assert validate("reflect_gives", tracker("can I talk to Tim?", "contact"), dispatcher) == {
        "reflect_gives": None
    }
    assert sent(dispatcher) == ["utter_contact"]


def test_a_personal_statement_classified_as_a_page_question_is_still_an_answer(
    dispatcher, fake_themes
) -> None:
    fake_themes["i feel ashamed after"] = ["shame"]
    t = tracker(
        "i feel ashamed after",
        "faq",
        response_selector={"faq": {"response": {"utter_action": "utter_faq/x"}}},
    )
    assert validate("reflect_after", t, dispatcher)["reflect_after"] == "answered"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what is it?", True),
        ("How does therapy work", True),
        ("is it normal", True),
        ("lonely", False),
        ("I wonder", False),
    ],
)
def test_looks_like_question(text, expected) -> None:
    assert looks_like_question(text) is expected


def test_join_labels() -> None:
    assert join_labels([]) == ""
    assert join_labels(["a"]) == "a"
    assert join_labels(["a", "b"]) == "a and b"
    assert join_labels(["a", "b", "c"]) == "a, b and c"


def test_no_prompts_for_a_visitor_under_18() -> None:
    form = ValidateReflectionForm()
    minor = tracker("", slots={"is_minor": True})
    assert asyncio.run(form.required_slots(list(PROMPTS), None, minor, {})) == []
    assert asyncio.run(form.required_slots(list(PROMPTS), None, tracker(""), {})) == list(PROMPTS)


def run(action, t: Tracker, dispatcher) -> List[Dict[str, Any]]:
    return asyncio.run(action.run(dispatcher, t, {}))


def assert_cleared(events: List[Dict[str, Any]]) -> None:
    cleared = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert cleared == {slot: None for slot in REFLECTION_SLOTS}


def test_summary_names_themes_and_focus_areas_and_clears_everything(dispatcher) -> None:
    t = tracker("", slots={"reflection_themes": ["loneliness", "sleep"], "reflect_before": "answered"})
    events = run(ActionReflectionSummary(), t, dispatcher)
    assert_cleared(events)
    responses = sent(dispatcher)
    assert responses[0] == "utter_reflection_summary"
    assert (
        "utter_reflection_focus_attachment" in responses and "utter_reflection_focus_lifestyle" in responses
    )
    assert responses[-1] == "utter_reflection_next_steps"
    assert dispatcher.messages[-1]["read_more"] == reflection.READ_MORE["focus_attachment"]
    assert "lonel" in dispatcher.messages[0]["themes"]


def test_summary_without_themes_says_so_honestly(dispatcher) -> None:
    assert_cleared(run(ActionReflectionSummary(), tracker("", slots={"reflection_themes": []}), dispatcher))
    assert sent(dispatcher) == ["utter_reflection_no_themes"]


def test_summary_for_a_minor_gives_no_content(dispatcher) -> None:
    t = tracker("", slots={"is_minor": True, "reflection_themes": ["loneliness"]})
    assert_cleared(run(ActionReflectionSummary(), t, dispatcher))
    assert sent(dispatcher) == ["utter_reflection_adults_only"]


def test_stop_is_kind_and_clears_every_answer(dispatcher) -> None:
    assert_cleared(run(ActionStopReflection(), tracker("stop", "stop"), dispatcher))
    assert sent(dispatcher) == ["utter_reflection_stopped"]


def test_every_response_the_actions_use_exists() -> None:
    responses = all_responses()
    used = {f"utter_reflect_ack_{p.removeprefix('reflect_')}" for p in PROMPTS} | set(
        reflection.FOCUS_RESPONSES.values()
    )
    used |= {
        "utter_reflect_ack_plain",
        "utter_reflect_ack_skip",
        "utter_reflection_summary",
        "utter_reflection_next_steps",
    }
    used |= {"utter_reflection_no_themes", "utter_reflection_stopped", "utter_reflection_adults_only"}
    used |= {f"utter_ask_{p}" for p in PROMPTS}
    assert used <= set(responses)


def test_reflection_slots_never_steer_the_dialogue_and_safety_is_never_an_answer(domain_dict) -> None:
    slots = domain_dict["slots"]
    assert set(domain_dict["forms"]["reflection_form"]["required_slots"]) == set(PROMPTS)
    for name in REFLECTION_SLOTS:
        assert slots[name]["influence_conversation"] is False
    for name in PROMPTS:
        [mapping] = slots[name]["mappings"]
        assert mapping["type"] == "from_text"
        assert set(SAFETY_INTENTS) | {"safety_retract", "get_help_now", "stop"} <= set(mapping["not_intent"])


def test_the_tracker_store_knows_every_reflection_slot() -> None:
    assert set(REFLECTION_SLOTS) == set(tracker_store.REFLECTION_SLOTS)
    assert set(PROMPTS) == set(tracker_store.REFLECTION_ANSWER_SLOTS)


def test_every_read_more_question_is_a_page_section() -> None:
    assert set(reflection.READ_MORE) == set(reflection.FOCUS_RESPONSES)


def test_the_default_response_selector_key_is_understood(dispatcher, fake_themes) -> None:
    selector = {
        "all_retrieval_intents": ["faq"],
        "default": {"response": {"utter_action": "utter_faq/overview"}},
    }
    t = tracker("what is it?", "faq", response_selector=selector)
    assert validate("reflect_before", t, dispatcher) == {"reflect_before": None}
    assert sent(dispatcher) == ["utter_faq/overview"]
