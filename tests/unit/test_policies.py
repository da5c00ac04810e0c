"""SafetyFirstPolicy: safety answers before any form, with no action server."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.policies import next_safety_action


def tracker_after(intent: str, *actions: str, loop: str | None = "enquiry_form") -> DialogueStateTracker:
    tracker = DialogueStateTracker("t", [])
    if loop:
        tracker.update(ActiveLoop(loop))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("x", intent={"name": intent, "confidence": 1.0}))
    for action in actions:
        tracker.update(ActionExecuted(action))
        if action == "action_deactivate_loop":
            tracker.update(ActiveLoop(None))
    return tracker


@pytest.mark.parametrize("route", ["crisis", "under_18", "child_content", "sextortion", "abuse"])
def test_a_safety_route_inside_a_form_is_answered_then_the_form_closed(route: str) -> None:
    assert next_safety_action(tracker_after(f"safety_{route}")) == f"utter_safety_{route}"
    assert (
        next_safety_action(tracker_after(f"safety_{route}", f"utter_safety_{route}"))
        == "action_deactivate_loop"
    )
    done = tracker_after(f"safety_{route}", f"utter_safety_{route}", "action_deactivate_loop")
    assert next_safety_action(done) == "action_listen"


def test_outside_a_form_the_steps_match_the_rules() -> None:
    assert (
        next_safety_action(tracker_after("safety_crisis", "utter_safety_crisis", loop=None))
        == "action_deactivate_loop"
    )
    assert next_safety_action(tracker_after("get_help_now", loop=None)) == "utter_help_now"
    assert next_safety_action(tracker_after("get_help_now", "utter_help_now", loop=None)) == "action_listen"
    assert next_safety_action(tracker_after("get_help_now", "utter_help_now")) == "action_deactivate_loop"


@pytest.mark.parametrize("intent", ["faq", "share_context", "safety_retract", "stop", "affirm"])
def test_other_messages_are_left_to_the_other_policies(intent: str) -> None:
    assert next_safety_action(tracker_after(intent)) is None
