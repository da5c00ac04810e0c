"""The safety context after a disclosure, mixed routes and follow-ups (assistant/safety/context.py, policies.py)."""

from __future__ import annotations

from typing import List, Sequence

import pytest
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.domain_files import domain_yaml
from assistant.policies import next_safety_action, safety_responses
from assistant.safety.context import Turn, context_route, in_context, turns_from_events

DOMAIN = domain_yaml()


def user(intent: str, flags: Sequence[str] = (), concern: str | None = None) -> UserUttered:
    parse = {"intent": {"name": intent, "confidence": 1.0}, "safety_flags": list(flags), "text": "x"}
    if concern:
        parse["safety_concern"] = concern
    return UserUttered("x", intent={"name": intent, "confidence": 1.0}, parse_data=parse)


def tracker(*steps: object) -> DialogueStateTracker:
    """Steps: intent names (visitor messages, each followed by one reply) or events."""
    t = DialogueStateTracker("t", [])
    for step in steps:
        t.update(ActionExecuted("action_listen"))
        t.update(user(step) if isinstance(step, str) else step)  # type: ignore[arg-type]
        if step is not steps[-1]:
            t.update(ActionExecuted("utter_something"))
    return t


def turns(*intents: str) -> List[Turn]:
    return [Turn(i) for i in intents]


def test_a_disclosure_opens_the_context_for_the_next_turns() -> None:
    assert context_route(turns("greet", "safety_crisis")) == "crisis"
    assert in_context(turns("safety_crisis", "nlu_fallback")) == "crisis"
    assert in_context(turns("safety_sextortion", "share_context", "nlu_fallback")) == "sextortion"


def test_the_context_stays_open_until_the_topic_changes_or_a_new_session() -> None:
    quiet = ["share_context", "nlu_fallback", "thanks", "greet", "deny"] * 2
    assert context_route(turns("safety_crisis", *quiet)) == "crisis"
    assert context_route(turns("safety_crisis", *quiet, "faq")) is None
    assert context_route(turns("safety_crisis", "faq")) is None
    assert in_context(turns("safety_crisis", "faq")) is None
    assert context_route([Turn("safety_abuse"), Turn("", session_start=True)]) is None


def test_follow_ups_keep_the_context_open() -> None:
    steps = ["safety_sextortion", "share_context", "safety_should_pay", "safety_deadline", "share_context"]
    assert context_route(turns(*steps)) == "sextortion"


def test_the_more_urgent_route_stays_the_context() -> None:
    assert context_route(turns("safety_crisis", "safety_sextortion")) == "crisis"
    assert context_route(turns("safety_abuse", "safety_crisis")) == "crisis"


def test_turns_read_from_stored_event_dicts() -> None:
    events = [
        {"event": "session_started"},
        {"event": "user", "parse_data": {"intent": {"name": "safety_abuse"}, "safety_flags": ["abuse"]}},
        {"event": "bot", "text": "..."},
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
    ]
    found = turns_from_events(events)
    assert [t.intent for t in found] == ["", "safety_abuse", "nlu_fallback"]
    assert in_context(found) == "abuse"


@pytest.mark.parametrize(
    "route, follow_up, response",
    [
        ("crisis", "safety_reluctant_to_call", "utter_after_crisis_reluctant_to_call"),
        ("crisis", "safety_not_acting", "utter_after_crisis_not_acting"),
        ("crisis", "safety_police_family", "utter_after_crisis_police_family"),
        ("crisis", "safety_can_tim_help", "utter_after_crisis_can_tim_help"),
        ("crisis", "nlu_fallback", "utter_after_crisis_unclear"),
        ("sextortion", "safety_should_pay", "utter_after_sextortion_should_pay"),
        ("sextortion", "safety_deadline", "utter_after_sextortion_deadline"),
        ("under_18", "safety_should_pay", "utter_after_under_18_should_pay"),
        ("abuse", "safety_reluctant_to_call", "utter_after_abuse_reluctant_to_call"),
        ("abuse", "safety_retract", "utter_safety_retract"),
        ("abuse", "nlu_fallback", "utter_after_unclear"),
        ("crisis", "thanks", "utter_after_thanks"),
        ("crisis", "goodbye", "utter_after_crisis_goodbye"),
        ("sextortion", "goodbye", "utter_after_goodbye"),
    ],
)
def test_follow_ups_in_the_context_get_the_routes_own_reply(
    route: str, follow_up: str, response: str
) -> None:
    known = set(DOMAIN["responses"])
    t = tracker(f"safety_{route}", follow_up)
    assert safety_responses(t, known) == [response]
    assert response in known
    t.update(ActionExecuted(response))
    assert next_safety_action(t, known) == "action_listen"


def test_outside_the_context_follow_ups_are_left_to_the_rules() -> None:
    assert safety_responses(tracker("greet", "safety_should_pay"), {"utter_after_should_pay"}) == []
    later = tracker("safety_crisis", "share_context", "faq", "nlu_fallback")
    assert safety_responses(later, {"utter_after_crisis_unclear"}) == []
    assert safety_responses(tracker("safety_crisis", "faq"), {"utter_after_crisis_unclear"}) == []


def test_crisis_plus_another_route_gets_both_in_the_same_turn() -> None:
    t = DialogueStateTracker("t", [])
    t.update(user("safety_crisis", flags=["crisis", "sextortion"]))
    known = {"utter_safety_crisis", "utter_safety_also_sextortion"}
    assert safety_responses(t, known) == ["utter_safety_crisis", "utter_safety_also_sextortion"]
    assert next_safety_action(t, known) == "utter_safety_crisis"
    t.update(ActionExecuted("utter_safety_crisis"))
    assert next_safety_action(t, known) == "utter_safety_also_sextortion"
    t.update(ActionExecuted("utter_safety_also_sextortion"))
    assert next_safety_action(t, known) == "action_deactivate_loop"


def test_under_18_with_images_gets_the_under_18_image_help_first() -> None:
    t = DialogueStateTracker("t", [])
    t.update(user("safety_under_18", flags=["under_18", "sextortion"]))
    known = {"utter_safety_under_18", "utter_safety_under_18_images", "utter_safety_also_sextortion"}
    assert safety_responses(t, known) == ["utter_safety_under_18_images"]


def test_a_new_session_closes_the_context() -> None:
    t = tracker("safety_crisis")
    t.update(SessionStarted())
    t.update(ActionExecuted("action_listen"))
    t.update(user("nlu_fallback"))
    assert safety_responses(t, {"utter_after_crisis_unclear", "utter_after_unclear"}) == []


def test_a_minor_never_gets_adult_services_or_tim_after_a_disclosure() -> None:
    known = set(DOMAIN["responses"])
    t = DialogueStateTracker("t", [])
    t.update(user("safety_crisis", flags=["crisis", "under_18", "sextortion"]))
    first = safety_responses(t, known)
    assert first[0] == "utter_safety_crisis"
    assert "utter_safety_also_sextortion" not in first and "utter_safety_also_sextortion_minor" in first
    assert "utter_safety_also_under_18" in first
    t.update(ActionExecuted("utter_safety_crisis"))
    t.update(ActionExecuted("action_listen"))
    t.update(user("safety_can_tim_help"))
    assert safety_responses(t, known) == ["utter_after_under_18_can_tim_help"]
    t.update(ActionExecuted("utter_after_under_18_can_tim_help"))
    t.update(ActionExecuted("action_listen"))
    t.update(user("safety_should_pay"))
    assert safety_responses(t, known) == ["utter_after_under_18_should_pay"]


def test_a_young_persons_own_images_do_not_get_the_child_content_note() -> None:
    t = DialogueStateTracker("t", [])
    t.update(user("safety_under_18", flags=["under_18", "child_content"]))
    assert safety_responses(t, set(DOMAIN["responses"])) == ["utter_safety_under_18"]


def test_every_note_and_follow_up_the_policy_can_name_exists() -> None:
    known = set(DOMAIN["responses"])
    from assistant.policies import GENERIC_FOLLOW_UP
    from assistant.safety.routes import ROUTES

    for route in ROUTES:
        assert f"utter_safety_{route}" in known and f"utter_safety_also_{route}" in known
    assert "utter_safety_also_sextortion_minor" in known
    assert all(name in known for name in GENERIC_FOLLOW_UP.values())
    assert "utter_after_unclear" in known


def test_get_help_now_after_a_disclosure_adds_that_routes_help() -> None:
    known = set(DOMAIN["responses"])
    assert safety_responses(tracker("safety_abuse", "get_help_now"), known) == [
        "utter_help_now",
        "utter_safety_also_abuse",
    ]
    assert safety_responses(tracker("safety_crisis", "get_help_now"), known) == ["utter_help_now"]
    assert safety_responses(tracker("greet", "get_help_now"), known) == ["utter_help_now"]
