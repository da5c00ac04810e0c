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
    ActionResumeReflection,
    ActionStopReflection,
    ValidateReflectionForm,
    join_labels,
    looks_like_question,
)
from assistant import tracker_store
from assistant.reflection.themes import ThemeHit
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
    """Answers mapped to theme ids; each hit quotes the answer, as the finder would."""
    found: Dict[str, List[str]] = {}

    def hits(text: str, prompt: str = "") -> List[ThemeHit]:
        return [ThemeHit(theme, 1, n, quote=text, cue="") for n, theme in enumerate(found.get(text, []))]

    monkeypatch.setattr(reflection, "find_hits", hits)
    return found


@pytest.mark.parametrize("slot", PROMPTS)
def test_an_answer_is_acknowledged_by_its_themes_and_only_ids_are_kept(slot, dispatcher, fake_themes) -> None:
    fake_themes["lonely at night"] = ["loneliness", "sleep"]
    result = validate(slot, tracker("lonely at night", slots={"reflection_themes": ["boredom"]}), dispatcher)
    assert result == {slot: "answered", "reflection_themes": ["boredom", "loneliness", "sleep"]}
    assert "lonely at night" not in str(result)
    [message] = dispatcher.messages
    assert message["response"] == f"utter_reflect_ack_{slot.removeprefix('reflect_')}"
    # mirrored in this turn's message only (the tracker store keeps it without its text)
    assert message["themes"].startswith("When you say “lonely at night”, it sounds like")
    assert message["response"].startswith(tracker_store.PRIVATE_RESPONSE_PREFIXES)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("can we carry on?", "resume"),
        ("where were we", "nlu_fallback"),
        ("ok, carry on", "affirm"),
        ("Can we continue please?", "faq"),
    ],
)
def test_carry_on_in_the_middle_asks_the_same_prompt_again(text, intent, dispatcher, fake_themes) -> None:
    assert validate("reflect_secrecy", tracker(text, intent), dispatcher) == {"reflect_secrecy": None}
    assert sent(dispatcher) == ["utter_reflection_resume_here"]


@pytest.mark.parametrize("text", ["I carry on even when I know I should stop", "it goes on for hours"])
def test_an_answer_that_mentions_carrying_on_is_still_an_answer(text, dispatcher, fake_themes) -> None:
    assert (
        validate("reflect_after", tracker(text, "share_context"), dispatcher)["reflect_after"] == "answered"
    )


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
    assert responses == ["utter_reflection_summary", "utter_reflection_next_steps"]  # at most three messages
    assert dispatcher.messages[-1]["read_more"] == reflection.READ_MORE["focus_attachment"]
    themes = dispatcher.messages[0]["themes"]
    assert "lonel" in themes and "Attachment awareness" in themes and "Lifestyle synchronisation" in themes


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
    used = {f"utter_reflect_ack_{p.removeprefix('reflect_')}" for p in PROMPTS}
    used |= {"utter_reflection_resume", "utter_reflection_resume_here", "utter_reflection_nothing_to_resume"}
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
    from assistant.reflection.compose import FOCUS

    assert set(reflection.READ_MORE) == set(FOCUS)


def test_the_default_response_selector_key_is_understood(dispatcher, fake_themes) -> None:
    selector = {
        "all_retrieval_intents": ["faq"],
        "default": {"response": {"utter_action": "utter_faq/overview"}},
    }
    t = tracker("what is it?", "faq", response_selector=selector)
    assert validate("reflect_before", t, dispatcher) == {"reflect_before": None}
    assert sent(dispatcher) == ["utter_faq/overview"]


# --- picking the reflection up again ("carry on", "where were we") -----------------------


def _events(*items: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{"event": "session_started"}, *items]


def _asked(prompt: str) -> Dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": prompt}


STARTED = {"event": "active_loop", "name": "reflection_form"}
CLOSED = {"event": "active_loop", "name": None}
DEACTIVATED = {"event": "action", "name": "action_deactivate_loop"}


def resume_tracker(events: List[Dict[str, Any]], text: str = "can we carry on?", **slots: Any) -> Tracker:
    message = {"text": text, "intent": {"name": "resume", "confidence": 0.9}}
    return Tracker(
        sender_id="t",
        slots={"requested_slot": None, **slots},
        latest_message=message,
        events=[*events, {"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    "events, expected",
    [
        (_events(STARTED, _asked("reflect_before"), _asked("reflect_gives"), _asked("reflect_secrecy"),
                 DEACTIVATED, CLOSED, _asked(None)), "reflect_secrecy"),
        (_events(STARTED, _asked("reflect_before"), CLOSED,
                 {"event": "action", "name": "action_stop_reflection"}), None),
        (_events(STARTED, _asked("reflect_instead"), CLOSED,
                 {"event": "action", "name": "action_reflection_summary"}), None),
        (_events(STARTED, _asked("reflect_body")), None),  # still running: the form handles "carry on"
        ([STARTED, _asked("reflect_body"), CLOSED, {"event": "session_started"}], None),  # a new session
        (_events(), None),
        (_events(STARTED, _asked("reflect_gives"), CLOSED, STARTED, _asked("reflect_after"), CLOSED),
         "reflect_after"),
    ],
)  # fmt: skip
def test_paused_prompt(events, expected) -> None:
    assert reflection.paused_prompt(events) == expected


def test_resume_after_a_safety_interruption_picks_up_at_the_same_prompt(dispatcher) -> None:
    events = _events(STARTED, _asked("reflect_before"), _asked("reflect_gives"), _asked("reflect_after"),
                     DEACTIVATED, CLOSED, _asked(None))  # fmt: skip
    t = resume_tracker(events, reflect_gives="skipped")
    out = run(ActionResumeReflection(), t, dispatcher)
    assert sent(dispatcher) == ["utter_reflection_resume"]
    slots = {e["name"]: e["value"] for e in out if e["event"] == "slot"}
    # earlier prompts are marked done (markers only, no words), the rest left for the form
    assert slots == {"reflect_before": "answered"}
    assert out[-1] == {"event": "followup", "name": "reflection_form", "timestamp": None}


def test_resume_with_nothing_paused_says_so(dispatcher) -> None:
    assert run(ActionResumeReflection(), resume_tracker(_events()), dispatcher) == []
    assert sent(dispatcher) == ["utter_reflection_nothing_to_resume"]


@pytest.mark.parametrize("text", ["Can we do the private reflection?", "can we do the questions now"])
def test_asking_for_the_reflection_with_nothing_paused_offers_it(dispatcher, text: str) -> None:
    out = run(ActionResumeReflection(), resume_tracker(_events(), text=text), dispatcher)
    assert sent(dispatcher) == []
    assert out == [{"event": "followup", "name": "utter_reflection_intro", "timestamp": None}]


def test_resume_for_a_minor_gives_no_prompts(dispatcher) -> None:
    events = _events(STARTED, _asked("reflect_gives"), CLOSED)
    out = run(ActionResumeReflection(), resume_tracker(events, is_minor=True), dispatcher)
    assert sent(dispatcher) == ["utter_reflection_adults_only"]
    assert_cleared(out)


def test_markers_set_on_picking_up_are_kept_when_the_form_starts(dispatcher, fake_themes) -> None:
    """As the form starts, the SDK validates the slots just set: the markers stay, nothing is said."""
    t = resume_tracker([], requested_slot=None)
    form = ValidateReflectionForm()
    for slot, marker in (("reflect_before", "answered"), ("reflect_gives", "skipped")):
        assert getattr(form, f"validate_{slot}")(marker, dispatcher, t, {}) == {slot: marker}
    assert dispatcher.messages == []


OFFERED = {"event": "action", "name": "utter_reflection_intro"}
ASIDE = [
    {"event": "user", "text": "does Tim see my answers?"},
    {"event": "action", "name": "utter_privacy/reflection"},
]


def test_carry_on_after_the_offer_and_an_aside_begins_the_reflection(dispatcher) -> None:
    out = run(
        ActionResumeReflection(), resume_tracker(_events(OFFERED, *ASIDE), text="ok, carry on"), dispatcher
    )
    assert sent(dispatcher) == []
    assert out == [{"event": "followup", "name": "reflection_form", "timestamp": None}]


@pytest.mark.parametrize(
    "events",
    [
        _events(OFFERED, *ASIDE, *ASIDE),  # the offer is three messages back
        _events(OFFERED, {"event": "action", "name": "utter_reflection_not_now"}, *ASIDE),  # declined
        _events(OFFERED, STARTED, _asked("reflect_before"), CLOSED,
                {"event": "action", "name": "action_reflection_summary"}, *ASIDE),  # done already
    ],
)  # fmt: skip
def test_an_offer_declined_done_or_long_past_is_not_taken_up(dispatcher, events) -> None:
    assert not reflection.offer_pending([*events, {"event": "user", "text": "carry on"}])


def test_carry_on_after_the_offer_for_a_minor_gives_no_prompts(dispatcher) -> None:
    t = resume_tracker(_events(OFFERED, *ASIDE), text="ok carry on", is_minor=True)
    assert run(ActionResumeReflection(), t, dispatcher) == []
    assert sent(dispatcher) == ["utter_reflection_adults_only"]
