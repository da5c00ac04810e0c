"""The possible-concern tier: one check-in line on the turn's first reply, never the full response."""

from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.domain_files import DOMAIN_DIR
from assistant.nlg import CHECK_IN_WINDOW, SettingsResponseNLG, concern_to_check_in, with_check_in


def tracker_with(concern: str | None, replied: bool = False) -> DialogueStateTracker:
    parse = {"intent": {"name": "faq", "confidence": 0.9}, "text": "x"}
    if concern:
        parse["safety_concern"] = concern
    t = DialogueStateTracker("t", [])
    t.update(ActionExecuted("action_listen"))
    t.update(UserUttered("x", intent=parse["intent"], parse_data=parse))
    if replied:
        t.update(BotUttered("first reply"))
    return t


def test_the_first_reply_of_a_concern_turn_gets_the_check_in() -> None:
    assert concern_to_check_in(tracker_with("crisis"), "utter_faq/overview") == "crisis"
    assert concern_to_check_in(tracker_with("crisis", replied=True), "utter_faq/overview") is None
    assert concern_to_check_in(tracker_with(None), "utter_faq/overview") is None


def test_safety_replies_never_get_a_second_check_in() -> None:
    for name in ("utter_safety_crisis", "utter_help_now", "utter_after_unclear", "utter_check_in"):
        assert concern_to_check_in(tracker_with("crisis"), name) is None


def test_the_check_in_adds_a_line_and_the_help_button_once() -> None:
    response = {"text": "An answer.", "buttons": [{"title": "Get help now", "payload": "Get help now"}]}
    out = with_check_in(response, {"text": "Checking in."})
    assert out["text"] == "An answer.\n\nChecking in."
    assert [b["payload"] for b in out["buttons"]] == ["Get help now"]
    assert with_check_in({"text": "A."}, {"text": "B."})["buttons"][0]["payload"] == "Get help now"


def test_rendered_through_the_real_domain_with_the_crisis_line() -> None:
    domain = Domain.load(str(DOMAIN_DIR))
    nlg = SettingsResponseNLG(domain=domain)
    out = asyncio.run(nlg.generate("utter_share_context", tracker_with("crisis"), "rest"))
    assert out is not None
    assert "116 123" in out["text"] and "I couldn't" not in out["text"]
    assert any(b["payload"] == "Get help now" for b in out["buttons"])
    # the full crisis script is never used for a concern
    assert "999" not in out["text"]


def test_the_same_check_in_is_not_repeated_within_a_few_replies() -> None:
    t = tracker_with("crisis")
    t.update(BotUttered("an answer", metadata={"check_in": True, "check_in_route": "crisis"}))
    t.update(ActionExecuted("action_listen"))
    parse = {"intent": {"name": "faq", "confidence": 0.9}, "text": "y", "safety_concern": "crisis"}
    t.update(UserUttered("y", intent=parse["intent"], parse_data=parse))
    assert concern_to_check_in(t, "utter_faq/overview") is None
    # another route's concern still gets its own line
    parse = {**parse, "safety_concern": "abuse"}
    t.update(BotUttered("reply"))
    t.update(ActionExecuted("action_listen"))
    t.update(UserUttered("z", intent=parse["intent"], parse_data=parse))
    assert concern_to_check_in(t, "utter_faq/overview") == "abuse"
    # and the same route again once the window has passed
    for _ in range(CHECK_IN_WINDOW):
        t.update(BotUttered("reply"))
    t.update(ActionExecuted("action_listen"))
    t.update(UserUttered("w", intent=parse["intent"], parse_data={**parse, "safety_concern": "crisis"}))
    assert concern_to_check_in(t, "utter_faq/overview") == "crisis"


def test_the_route_is_recorded_on_the_reply() -> None:
    out = with_check_in({"text": "A."}, {"text": "B."}, "crisis")
    assert out["check_in"] is True and out["check_in_route"] == "crisis"
