"""The enquiry form with typed sentences (issue #13): contact details anywhere, questions at every
step, the message-or-question choice, edits by name, errors that say why (no Rasa server)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry import ActionAskEnquiryConsent, ActionAskEnquiryContactMethod
from tests.conftest import all_responses
from tests.unit.test_enquiry_actions import FILLED, sent, tracker, validate

COUPLES = {"not_on_page": {"response": {"utter_action": "utter_not_on_page/couples"}}}


def test_an_email_in_a_sentence_at_the_method_step_fills_the_method_and_the_address(dispatcher) -> None:
    result = validate("enquiry_contact_method", tracker("jo@example.com is best"), dispatcher)
    assert result == {
        "enquiry_contact_method": "email",
        "enquiry_email": "jo@example.com",
        "enquiry_phone": None,
    }
    assert sent(dispatcher) == []


def test_a_number_in_a_sentence_at_the_method_step_fills_the_method_and_the_number(dispatcher) -> None:
    result = validate("enquiry_contact_method", tracker("Ring me on 07911 123456"), dispatcher)
    assert result == {
        "enquiry_contact_method": "phone",
        "enquiry_phone": "+447911123456",
        "enquiry_email": None,
    }


def test_a_name_in_a_sentence_with_an_email_keeps_both(dispatcher) -> None:
    result = validate("enquiry_name", tracker("Hi, I'm Jo, jo@example.com"), dispatcher)
    assert result == {"enquiry_name": "Jo", "enquiry_email": "jo@example.com"}


@pytest.mark.parametrize("text", ["I'm not sure", "I'm nervous", "i'm fine"])
def test_feelings_are_not_names(text: str, dispatcher) -> None:
    result = validate("enquiry_name", tracker(text), dispatcher)
    assert result["enquiry_name"] is None and sent(dispatcher) == ["utter_enquiry_not_a_name"]


def test_an_address_typed_earlier_is_offered_at_the_method_step(dispatcher) -> None:
    t = tracker("", slots={"enquiry_name": "Jo", "enquiry_email": "jo@example.com"})
    asyncio.run(ActionAskEnquiryContactMethod().run(dispatcher, t, {}))
    assert dispatcher.messages[0]["response"] == "utter_enquiry_offer_email"
    assert dispatcher.messages[0]["email"] == "jo@example.com"
    # While the method is validated its slot holds the words just typed (the from_text mapping).
    typed = {**t.slots, "enquiry_contact_method": "yes"}
    yes = validate("enquiry_contact_method", tracker("yes", "affirm", slots=typed), CollectingDispatcher())
    assert yes == {"enquiry_contact_method": "email"}
    typed = {**t.slots, "enquiry_contact_method": "by phone"}
    no = validate("enquiry_contact_method", tracker("by phone", slots=typed), CollectingDispatcher())
    assert no == {"enquiry_contact_method": "phone", "enquiry_email": None}


@pytest.mark.parametrize(
    "slot, text, response",
    [
        ("enquiry_phone", "07700 900123", "utter_enquiry_phone_reserved"),
        ("enquiry_phone", "01632 960123", "utter_enquiry_phone_reserved"),
        ("enquiry_phone", "0791 123", "utter_enquiry_phone_too_short"),
        ("enquiry_phone", "212 555 0123", "utter_enquiry_phone_country_code"),
        ("enquiry_phone", "call me", "utter_enquiry_invalid_phone"),
        ("enquiry_email", "jo@example", "utter_enquiry_email_domain"),
        ("enquiry_email", "jo.example.com", "utter_enquiry_email_no_at"),
        ("enquiry_email", "jo@@example.com", "utter_enquiry_email_characters"),
        ("enquiry_contact_method", "email me at jo@example", "utter_enquiry_email_domain"),
        ("enquiry_contact_method", "carrier pigeon", "utter_enquiry_invalid_method"),
    ],
)
def test_invalid_details_say_why(slot: str, text: str, response: str, dispatcher) -> None:
    result = validate(slot, tracker(text), dispatcher)
    assert result.get("enquiry_email") is None and result.get("enquiry_phone") is None
    assert sent(dispatcher) == [response]


@pytest.mark.parametrize(
    "slot, text, intent, response",
    [
        ("enquiry_who_for", "wait, does he see couples?", "not_on_page", "utter_not_on_page/couples"),
        ("enquiry_availability", "does he see couples?", "not_on_page", "utter_not_on_page/couples"),
        ("enquiry_availability", "is this optional?", "faq", "utter_enquiry_step_optional"),
        ("enquiry_name", "why do you need my name?", "faq", "utter_enquiry_why_name"),
        ("enquiry_email", "why do you need it?", "faq", "utter_enquiry_why_contact"),
        ("enquiry_consent", "what happens if I say no?", "faq", "utter_enquiry_consent_help"),
        ("enquiry_consent", "does he see couples?", "not_on_page", "utter_not_on_page/couples"),
        ("enquiry_who_for", "will he judge me?", "share_context", "utter_enquiry_question_unanswered"),
    ],
)
def test_a_question_at_any_step_is_answered_and_never_stored(
    slot: str, text: str, intent: str, response: str, dispatcher
) -> None:
    result = validate(slot, tracker(text, intent, response_selector=COUPLES), dispatcher)
    assert result[slot] is None
    assert sent(dispatcher) == [response]


def test_a_page_question_as_the_message_asks_which_it_was(dispatcher) -> None:
    t = tracker("Does he see couples?", "not_on_page", response_selector=COUPLES)
    result = validate("enquiry_message", t, dispatcher)
    assert result == {"enquiry_message": "Does he see couples?", "enquiry_prompt": "message_or_question"}
    assert sent(dispatcher) == ["utter_not_on_page/couples"]
    ask = CollectingDispatcher()
    slots = {**FILLED, "enquiry_consent": None, **result}
    asyncio.run(ActionAskEnquiryConsent().run(ask, tracker("", slots=slots), {}))
    assert sent(ask) == ["utter_enquiry_message_or_question"]
    only = validate("enquiry_consent", tracker("It was only a question", slots=slots), CollectingDispatcher())
    assert only == {"enquiry_message": None, "enquiry_consent": None, "enquiry_prompt": None}
    kept = validate("enquiry_consent", tracker("Put it in my message", slots=slots), CollectingDispatcher())
    assert kept == {"enquiry_consent": None, "enquiry_prompt": None}
    # The two buttons' payloads, which the safety gate maps to an intent.
    button = validate("enquiry_consent", tracker("Send it", "affirm", slots=slots), CollectingDispatcher())
    assert button == {"enquiry_consent": None, "enquiry_prompt": None}
    button = validate("enquiry_consent", tracker("skip", "skip", slots=slots), CollectingDispatcher())
    assert button == {"enquiry_message": None, "enquiry_consent": None, "enquiry_prompt": None}


def test_consent_is_asked_plainly_otherwise(dispatcher) -> None:
    asyncio.run(ActionAskEnquiryConsent().run(dispatcher, tracker("", slots=FILLED), {}))
    assert sent(dispatcher) == ["utter_ask_enquiry_consent"]


@pytest.mark.parametrize(
    "text, expected, change",
    [
        ("change my name to Jo", {"enquiry_name": "Jo"}, "changed the name"),
        (
            "Can you change the message to: I'd like to talk",
            {"enquiry_message": "I'd like to talk"},
            "changed the message",
        ),
        (
            "use my phone instead: 07911 123456",
            {"enquiry_contact_method": "phone", "enquiry_phone": "+447911123456", "enquiry_email": None},
            "changed the contact details",
        ),
        ("remove the times", {"enquiry_availability": "skipped"}, "removed the days and times"),
        (
            "change the days and times to weekends",
            {"enquiry_availability": "weekends"},
            "changed the days and times",
        ),
    ],
)
def test_edits_by_name_set_the_field_and_show_the_summary(
    text: str, expected: Dict[str, Any], change: str, dispatcher
) -> None:
    result = validate("enquiry_confirm", tracker(text, slots=FILLED), dispatcher)
    assert result == {**expected, "enquiry_confirm": None, "enquiry_prompt": "summary"}
    assert dispatcher.messages[0]["response"] == "utter_enquiry_changed"
    assert dispatcher.messages[0]["change"] == change


def test_change_something_without_a_field_offers_the_list(dispatcher) -> None:
    result = validate("enquiry_confirm", tracker("I need to change something", slots=FILLED), dispatcher)
    assert result == {"enquiry_confirm": None, "enquiry_prompt": "which"}


def test_a_reserved_number_in_an_edit_says_why_and_asks_again(dispatcher) -> None:
    result = validate(
        "enquiry_confirm", tracker("use my phone instead: 07700 900123", slots=FILLED), dispatcher
    )
    assert result["enquiry_phone"] is None and result["enquiry_prompt"] == "change"
    assert sent(dispatcher) == ["utter_enquiry_phone_reserved"]


def test_every_response_the_typed_form_uses_exists() -> None:
    import actions.enquiry as enquiry

    used = {
        *enquiry.EMAIL_PROBLEMS.values(),
        *enquiry.PHONE_PROBLEMS.values(),
        "utter_enquiry_offer_email",
        "utter_enquiry_offer_phone",
        "utter_enquiry_not_a_name",
        "utter_enquiry_question_unanswered",
        "utter_enquiry_step_optional",
        "utter_enquiry_why_name",
        "utter_enquiry_why_contact",
        "utter_enquiry_consent_help",
        "utter_enquiry_message_or_question",
        "utter_enquiry_changed",
        "utter_enquiry_cannot_remove",
    }
    assert used <= set(all_responses())
