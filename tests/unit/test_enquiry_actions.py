"""The enquiry form's validation, confirmation, saving and clearing (a real SQLite store in tmp)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.enquiry as enquiry
from actions.enquiry import (
    ENQUIRY_SLOTS,
    ActionAskEnquiryConfirm,
    ActionCancelEnquiry,
    ActionSubmitEnquiry,
    ValidateEnquiryForm,
    escape_markdown,
    fields_to_change,
)
from assistant import tracker_store
from assistant.enquiries.config import load_config
from assistant.enquiries.errors import StoreUnavailable
from assistant.enquiries.store import EnquiryStore
from assistant.safety.routes import SAFETY_INTENTS
from tests.conftest import all_responses

FILLED = {
    "enquiry_name": "Sam",
    "enquiry_contact_method": "email",
    "enquiry_email": "sam@example.com",
    "enquiry_who_for": "me",
    "enquiry_availability": "skipped",
    "enquiry_message": "skipped",
    "enquiry_consent": "yes",
    "enquiry_key": "key-1",
}


def tracker(
    text: str, intent: str = "share_context", slots: Dict[str, Any] | None = None, **latest: Any
) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.8}, **latest}
    return Tracker(
        sender_id="conversation-1",
        slots=dict(slots or {}),
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "enquiry_form"},
        latest_action_name="action_listen",
    )


def sent(dispatcher: CollectingDispatcher) -> List[str]:
    return [m["response"] for m in dispatcher.messages]


@pytest.fixture
def store(tmp_path, monkeypatch) -> EnquiryStore:
    config = load_config(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'enquiries.db'}", "MAIL_DIR": str(tmp_path / "mail")}
    )
    store = EnquiryStore(config=config)
    real = enquiry.create_async

    async def create(data, key, store_=None, timeout=None):
        return await real(data, key, store=store, timeout=5)

    monkeypatch.setattr(enquiry, "create_async", create)
    yield store
    store.dispose()


def validate(slot: str, t: Tracker, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    result = getattr(ValidateEnquiryForm(), f"validate_{slot}")(t.latest_message["text"], dispatcher, t, {})
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


@pytest.mark.parametrize(
    "slot, text, expected, response",
    [
        ("enquiry_name", "Sam", "Sam", None),
        ("enquiry_name", "  J  ", "J", None),
        ("enquiry_name", "x" * 61, None, "utter_enquiry_invalid_name"),
        ("enquiry_contact_method", "By email", "email", None),
        ("enquiry_contact_method", "text me", "phone", None),
        ("enquiry_contact_method", "carrier pigeon", None, "utter_enquiry_invalid_method"),
        ("enquiry_email", "Sam@Example.COM", "Sam@example.com", None),
        ("enquiry_email", "sam at example", None, "utter_enquiry_invalid_email"),
        ("enquiry_phone", "07911 123456", "+447911123456", None),
        ("enquiry_phone", "12", None, "utter_enquiry_invalid_phone"),
        ("enquiry_who_for", "Just me", "me", None),
        ("enquiry_who_for", "Me and my partner", "me_and_partner", None),
        ("enquiry_who_for", "I'm the partner of someone affected", "partner", None),
        ("enquiry_availability", "skip", "skipped", None),
        ("enquiry_availability", "weekday evenings", "weekday evenings", None),
        ("enquiry_availability", "x" * 201, None, "utter_enquiry_invalid_availability"),
        ("enquiry_message", "skip", "skipped", None),
        ("enquiry_message", "Do you see couples?", "Do you see couples?", None),
        ("enquiry_message", "x" * 501, None, "utter_enquiry_message_too_long"),
    ],
)
def test_each_answer_is_checked(slot, text, expected, response, dispatcher) -> None:
    result = validate(slot, tracker(text), dispatcher)
    assert result[slot] == expected
    # Besides the slot itself, only the contact details that go with it (method, email, phone).
    assert set(result) - {slot} <= {
        "enquiry_contact_method",
        "enquiry_email",
        "enquiry_phone",
        "enquiry_prompt",
    }
    assert sent(dispatcher) == ([response] if response else [])


def test_an_over_long_message_says_how_long_it_was(dispatcher) -> None:
    validate("enquiry_message", tracker("y" * 640), dispatcher)
    assert dispatcher.messages[0]["length"] == 640


def test_a_page_question_instead_of_a_name_is_answered_and_the_name_asked_again(dispatcher) -> None:
    selector = {"not_on_page": {"response": {"utter_action": "utter_not_on_page/price"}}}
    t = tracker("how much does it cost?", "not_on_page", response_selector=selector)
    assert validate("enquiry_name", t, dispatcher) == {"enquiry_name": None, "enquiry_prompt": "again"}
    assert sent(dispatcher) == ["utter_not_on_page/price"]


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("Yes, I agree", "affirm", "yes"),
        ("ok", "share_context", "yes"),
        ("No, I don't agree", "deny", "no"),
        ("nope", "deny", "no"),
    ],
)
def test_consent(text, intent, expected, dispatcher) -> None:
    assert validate("enquiry_consent", tracker(text, intent), dispatcher)["enquiry_consent"] == expected


@pytest.mark.parametrize(
    "text, intent",
    [
        ("maybe", "share_context"),
        ("maybe", "deny"),
        ("not sure", "deny"),
        ("ok maybe later", "affirm"),
        ("idk", "deny"),
    ],
)
def test_unclear_consent_is_asked_again(text, intent, dispatcher) -> None:
    assert validate("enquiry_consent", tracker(text, intent), dispatcher) == {"enquiry_consent": None}
    assert sent(dispatcher) == ["utter_enquiry_invalid_consent"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Change the name", ["enquiry_name"]),
        ("change my email", ["enquiry_contact_method", "enquiry_email", "enquiry_phone"]),
        ("Change who it's about", ["enquiry_who_for"]),
        ("Change the days and times", ["enquiry_availability"]),
        ("edit the message", ["enquiry_message"]),
        ("Change something", []),
        ("Send it", None),
    ],
)
def test_fields_to_change(text, expected) -> None:
    assert fields_to_change(text) == expected


def test_change_clears_one_field_and_returns_to_the_summary(dispatcher) -> None:
    result = validate("enquiry_confirm", tracker("Change the name", slots=FILLED), dispatcher)
    assert result == {"enquiry_name": None, "enquiry_confirm": None, "enquiry_prompt": "change"}


def test_send_saves_once_even_when_repeated(store, dispatcher) -> None:
    first = validate("enquiry_confirm", tracker("Send it", "affirm", slots=FILLED), dispatcher)
    again = validate("enquiry_confirm", tracker("Send it", "affirm", slots=FILLED), dispatcher)
    assert first["enquiry_confirm"] == "sent" and first["enquiry_reference"]
    assert again["enquiry_reference"] == first["enquiry_reference"]
    [record] = store.list(include_handled=True)
    assert record.reference == first["enquiry_reference"]
    assert record.email == "sam@example.com" and record.route == "individual"
    assert "deleted after 12 months" in record.consent_text


def test_a_store_failure_is_told_honestly_and_the_form_waits_for_a_retry(monkeypatch, dispatcher) -> None:
    async def down(data, key, store=None, timeout=None):
        raise StoreUnavailable("create", "OperationalError")

    monkeypatch.setattr(enquiry, "create_async", down)
    result = validate("enquiry_confirm", tracker("Send it", "affirm", slots=FILLED), dispatcher)
    assert result == {"enquiry_confirm": None, "enquiry_key": "key-1", "enquiry_prompt": "retry"}
    assert sent(dispatcher) == ["utter_enquiry_store_down"]


def test_the_summary_shows_exactly_what_will_be_sent_escaped(dispatcher) -> None:
    slots = {**FILLED, "enquiry_name": "[x](javascript:alert(1))", "enquiry_message": "**hi** <b>"}
    asyncio.run(ActionAskEnquiryConfirm().run(dispatcher, tracker("", slots=slots), {}))
    [message] = dispatcher.messages
    assert message["response"] == "utter_enquiry_summary"
    assert message["name"] == r"\[x\]\(javascript:alert\(1\)\)"
    assert message["message"] == r"\*\*hi\*\* \<b\>"
    assert message["contact"] == "email, sam@example.com"
    assert message["availability"] == "not given" and message["who_for"] == "just me"


def test_the_confirmation_step_can_show_the_change_menu(dispatcher) -> None:
    asyncio.run(
        ActionAskEnquiryConfirm().run(
            dispatcher, tracker("", slots={**FILLED, "enquiry_prompt": "which"}), {}
        )
    )
    assert sent(dispatcher) == ["utter_enquiry_which_change"]


def run(action, t: Tracker, dispatcher) -> List[Dict[str, Any]]:
    return asyncio.run(action.run(dispatcher, t, {}))


def assert_cleared(events: List[Dict[str, Any]]) -> None:
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {s: None for s in ENQUIRY_SLOTS}


@pytest.mark.parametrize(
    "slots, response",
    [
        ({**FILLED, "enquiry_confirm": "sent", "enquiry_reference": "TN-ABCD"}, "utter_enquiry_sent"),
        ({**FILLED, "enquiry_consent": "no"}, "utter_enquiry_no_consent"),
        (
            {**FILLED, "is_minor": True, "enquiry_confirm": "sent", "enquiry_reference": "TN-ABCD"},
            "utter_enquiry_blocked_minor",
        ),
    ],
)
def test_submit_reports_the_outcome_and_clears_every_personal_slot(slots, response, dispatcher) -> None:
    assert_cleared(run(ActionSubmitEnquiry(), tracker("", slots=slots), dispatcher))
    assert sent(dispatcher) == [response]


def test_cancel_clears_every_personal_slot(dispatcher) -> None:
    assert_cleared(run(ActionCancelEnquiry(), tracker("cancel", "stop", slots=FILLED), dispatcher))
    assert sent(dispatcher) == ["utter_enquiry_cancelled"]


def test_required_slots_follow_the_contact_method_consent_and_age() -> None:
    form, slots = ValidateEnquiryForm(), list(enquiry.FIELDS)

    def required(**values: Any) -> List[str]:
        return asyncio.run(form.required_slots(slots, CollectingDispatcher(), tracker("", slots=values), {}))

    assert "enquiry_phone" not in required(enquiry_contact_method="email")
    assert "enquiry_email" not in required(enquiry_contact_method="phone")
    assert required(enquiry_consent="no") == []
    assert required(is_minor=True) == []


def test_escape_markdown() -> None:
    assert escape_markdown("a_b [c](d)") == r"a\_b \[c\]\(d\)"


def test_domain_and_tracker_store_agree_on_the_enquiry_slots(domain_dict) -> None:
    assert set(ENQUIRY_SLOTS) == set(tracker_store.ENQUIRY_SLOTS)
    assert set(domain_dict["forms"]["enquiry_form"]["required_slots"]) == set(enquiry.FIELDS)
    for slot in ENQUIRY_SLOTS:
        assert domain_dict["slots"][slot]["influence_conversation"] is False
    for slot in enquiry.FIELDS:
        [mapping] = domain_dict["slots"][slot]["mappings"]
        assert set(SAFETY_INTENTS) | {"stop", "get_help_now"} <= set(mapping["not_intent"])


def test_every_response_the_enquiry_uses_exists() -> None:
    responses = all_responses()
    used = {
        "utter_enquiry_invalid_name",
        "utter_enquiry_invalid_method",
        "utter_enquiry_invalid_email",
        "utter_enquiry_invalid_phone",
        "utter_enquiry_invalid_who_for",
        "utter_enquiry_invalid_availability",
        "utter_enquiry_message_too_long",
        "utter_enquiry_invalid_consent",
        "utter_enquiry_invalid_confirm",
        "utter_enquiry_which_change",
        "utter_enquiry_summary",
        "utter_enquiry_sent",
        "utter_enquiry_store_down",
        "utter_enquiry_no_consent",
        "utter_enquiry_blocked_minor",
        "utter_enquiry_cancelled",
    } | {f"utter_ask_{slot}" for slot in enquiry.FIELDS if slot != "enquiry_confirm"}
    assert used <= set(responses)


def test_the_consent_shown_is_the_consent_stored() -> None:
    from assistant.enquiries.consent import consent_statement
    from assistant.settings import load_settings

    values = load_settings({}).template_vars()
    shown = all_responses()["utter_ask_enquiry_consent"][0]["text"].format(**values)
    assert consent_statement(values["therapist"], int(values["retention_months"])) in shown


def test_an_under_18_flag_on_a_more_urgent_turn_blocks_the_enquiry(store, dispatcher) -> None:
    """'I'm 16 and I want to die' is answered as a crisis; the enquiry is still refused."""
    t = tracker("Send it", "affirm", slots=FILLED)
    t.events.append({"event": "user", "text": "", "parse_data": {"safety_flags": ["crisis", "under_18"]}})
    assert asyncio.run(ValidateEnquiryForm().required_slots(list(enquiry.FIELDS), dispatcher, t, {})) == []
    assert validate("enquiry_confirm", t, dispatcher)["enquiry_confirm"] is None
    assert store.list(include_handled=True) == []
    assert_cleared(run(ActionSubmitEnquiry(), t, dispatcher))
    assert sent(dispatcher) == ["utter_enquiry_blocked_minor"]


def test_a_field_the_store_refuses_is_asked_again(monkeypatch, dispatcher) -> None:
    from assistant.enquiries.errors import InvalidEnquiry

    async def refuse(data, key, store=None, timeout=None):
        raise InvalidEnquiry("email", "invalid")

    monkeypatch.setattr(enquiry, "create_async", refuse)
    result = validate("enquiry_confirm", tracker("Send it", "affirm", slots=FILLED), dispatcher)
    assert result["enquiry_email"] is None and result["enquiry_confirm"] is None
    assert sent(dispatcher) == ["utter_enquiry_invalid_email"]
