"""The enquiry to the therapist: validate each answer, confirm, save with consent, or clear.

The form asks for a name or alias, how to reply (email or phone), who the
enquiry is about, preferred times and a short message (both optional), then
consent, then shows exactly what will be sent. "send" saves it through the
enquiry store (assistant/enquiries) inside the confirmation step, so a failed
save keeps the form at that step for a retry with the same idempotency key;
"change ..." clears one field and asks it again; "cancel" (a rule) clears all.
Nothing here logs a value the visitor typed.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.mid_form import answer_question, latest_intent
from assistant.enquiries import validation as checks
from assistant.enquiries.config import get_config
from assistant.enquiries.consent import consent_statement
from assistant.enquiries.errors import EnquiryError, InvalidEnquiry
from assistant.enquiries.records import EnquiryData
from assistant.enquiries.store import TooManyEnquiries, create_async, new_idempotency_key
from assistant.private_slots import (
    ENQUIRY_FIELDS,
    ENQUIRY_FORM,
    ENQUIRY_KEY_SLOT,
    ENQUIRY_PROMPT_SLOT,
    ENQUIRY_REFERENCE_SLOT,
    ENQUIRY_SLOT_ORDER,
    ENQUIRY_SLOTS,  # noqa: F401 - re-exported for the tests; declared there only
)
from assistant.safety.minor import minor_disclosed
from assistant.settings import get_settings

logger = logging.getLogger(__name__)

FORM = ENQUIRY_FORM
FIELDS = ENQUIRY_FIELDS
KEY = ENQUIRY_KEY_SLOT
PROMPT = ENQUIRY_PROMPT_SLOT  # what the confirmation step shows next: summary, which, retry
REFERENCE = ENQUIRY_REFERENCE_SLOT
SKIPPED = "skipped"
SENT = "sent"
LIMITED = "limited"  # not saved: the address already sent ENQUIRY_MAX_PER_ADDRESS_PER_DAY today
# Said when an email address or phone number has had its day's enquiries. Plain text from
# here, with the same placeholders as the domain's responses; nothing of the visitor's in it.
LIMIT_REACHED = (
    "Several enquiries have already been sent today with this email address or phone number, "
    "so I haven't sent another one, and nothing new has been stored. {therapist} will see the "
    "ones already sent and usually replies {reply_time}. If something has changed or it can't "
    "wait, you can reach him directly through {contact_link}."
)
TOPICS_BUTTON = {"title": "Show me the topics", "payload": "Show me the topics"}

WHO_FOR_LABELS = {
    "me": "just me",
    "me_and_partner": "me and my partner",
    "partner": "I'm the partner of someone affected",
}
# "change <field>": which slots to clear for each field a visitor can name.
CHANGES = (
    (re.compile(r"\b(name|alias|call me)\b"), ("enquiry_name",)),
    (
        re.compile(r"\b(contact|e-?mail|phone|number|address|reply)\b"),
        ("enquiry_contact_method", "enquiry_email", "enquiry_phone"),
    ),
    (re.compile(r"\b(who|about|for|partner|couple)\b"), ("enquiry_who_for",)),
    (re.compile(r"\b(days?|times?|when|availability|available)\b"), ("enquiry_availability",)),
    (re.compile(r"\b(message|note)\b"), ("enquiry_message",)),
)
# A field the store refuses, the slot that asks for it again, and what to say.
INVALID_FIELD_SLOTS = {
    "name": "enquiry_name",
    "contact_method": "enquiry_contact_method",
    "email": "enquiry_email",
    "phone": "enquiry_phone",
    "who_for": "enquiry_who_for",
    "availability": "enquiry_availability",
    "message": "enquiry_message",
}
INVALID_RESPONSES = {
    "enquiry_name": "utter_enquiry_invalid_name",
    "enquiry_contact_method": "utter_enquiry_invalid_method",
    "enquiry_email": "utter_enquiry_invalid_email",
    "enquiry_phone": "utter_enquiry_invalid_phone",
    "enquiry_who_for": "utter_enquiry_invalid_who_for",
    "enquiry_availability": "utter_enquiry_invalid_availability",
}
_CHANGE = re.compile(r"\b(change|edit|fix|update|wrong|amend)\b", re.IGNORECASE)
_SEND = re.compile(
    r"^\W*(send( it)?|yes|yep|yeah|ok|okay|confirm|submit|go ahead|that's right|correct)\b", re.IGNORECASE
)
_YES = re.compile(r"^\W*(yes|yep|yeah|y|ok|okay|sure|i agree|agree|i consent|fine|go ahead)\b", re.IGNORECASE)
_NO = re.compile(r"^\W*(no|nope|nah|n|i don't|i do not|don't|do not|disagree|i disagree)\b", re.IGNORECASE)
# Consent is only consent when it is clear: "maybe", "not sure" or a question are asked again.
_UNSURE = re.compile(
    r"\b(maybe|perhaps|not sure|unsure|don't know|dont know|idk|depends|later)\b|\?", re.IGNORECASE
)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+!|~>])")


def escape_markdown(text: str) -> str:
    """Show what the visitor typed literally, never as a link or formatting."""
    return _MARKDOWN.sub(r"\\\1", text)


def fields_to_change(text: str) -> List[str] | None:
    """The slots a "change ..." message names; [] for a bare "change"; None if it isn't a change."""
    if not _CHANGE.search(text):
        return None
    lowered = text.lower()
    for pattern, slots in CHANGES:
        if pattern.search(lowered):
            return list(slots)
    return []


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _value(tracker: Tracker, slot: str) -> str | None:
    value = tracker.get_slot(slot)
    return None if value in (None, SKIPPED) else value


def enquiry_data(tracker: Tracker) -> EnquiryData:
    """What the visitor confirmed, with the consent statement they agreed to."""
    settings = get_settings()
    method = tracker.get_slot("enquiry_contact_method") or "email"
    return EnquiryData(
        name=tracker.get_slot("enquiry_name") or "",
        contact_method=method,
        consent_text=consent_statement(settings.therapist, settings.retention_months),
        email=_value(tracker, "enquiry_email") if method != "phone" else None,
        phone=_value(tracker, "enquiry_phone") if method == "phone" else None,
        who_for=_value(tracker, "enquiry_who_for"),
        availability=_value(tracker, "enquiry_availability"),
        message=_value(tracker, "enquiry_message"),
        sender_id=tracker.sender_id,
    )


def limit_reached_text() -> str:
    """What the visitor is told when their address has had its day's enquiries, with the contact route."""
    return LIMIT_REACHED.format(**get_settings().template_vars())


def phone_region() -> str:
    """The default region for phone numbers without a country code."""
    return get_config().phone_region


def cleared() -> List[EventType]:
    """Events that empty every enquiry slot."""
    return [SlotSet(slot, None) for slot in ENQUIRY_SLOT_ORDER]


class ValidateEnquiryForm(FormValidationAction):
    """Check each answer; on "send", save the enquiry before the form completes."""

    def name(self) -> str:
        return "validate_enquiry_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if not tracker.get_slot(KEY):
            events.append(SlotSet(KEY, new_idempotency_key()))
        return events

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Email or phone as chosen; nothing for a minor; stop after consent is refused."""
        if minor_disclosed(tracker) or tracker.get_slot("enquiry_consent") == "no":
            return []
        method = tracker.get_slot("enquiry_contact_method")
        skip = {"phone": "enquiry_email", "email": "enquiry_phone", "either": "enquiry_phone"}.get(method)
        return [slot for slot in domain_slots if slot != skip]

    def _interrupted(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Answer a question asked instead of an answer; the same prompt then comes again."""
        response = answer_question(_text(tracker), latest_intent(tracker), tracker)
        if response:
            dispatcher.utter_message(response=response)
            logger.info("enquiry prompt=%s question answered, prompt repeated", slot)
        return bool(response)

    def _checked(
        self,
        slot: str,
        result: checks.Checked,
        invalid: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        **values: Any,
    ) -> Dict[str, Any]:
        if result.ok:
            return {slot: result.value if result.value is not None else SKIPPED}
        if self._interrupted(slot, dispatcher, tracker):
            return {slot: None}
        logger.info("enquiry prompt=%s rejected reason=%s", slot, result.error.value if result.error else "")
        dispatcher.utter_message(response=invalid, **values)
        return {slot: None}

    def validate_enquiry_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if self._interrupted("enquiry_name", dispatcher, tracker):
            return {"enquiry_name": None}
        return self._checked(
            "enquiry_name", checks.check_name(value), "utter_enquiry_invalid_name", dispatcher, tracker
        )

    def validate_enquiry_contact_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        result = checks.check_contact_method(value)
        return self._checked(
            "enquiry_contact_method", result, "utter_enquiry_invalid_method", dispatcher, tracker
        )

    def validate_enquiry_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._checked(
            "enquiry_email", checks.check_email(value), "utter_enquiry_invalid_email", dispatcher, tracker
        )

    def validate_enquiry_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        result = checks.check_phone(value, region=phone_region())
        return self._checked("enquiry_phone", result, "utter_enquiry_invalid_phone", dispatcher, tracker)

    def validate_enquiry_who_for(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        result = checks.check_who_for(value)
        return self._checked("enquiry_who_for", result, "utter_enquiry_invalid_who_for", dispatcher, tracker)

    def validate_enquiry_availability(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        result = checks.check_availability(value)
        return self._checked(
            "enquiry_availability", result, "utter_enquiry_invalid_availability", dispatcher, tracker
        )

    def validate_enquiry_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        # A message may itself be a question for the therapist: never treated as an interruption.
        result = checks.check_message(value)
        if result.ok:
            return {"enquiry_message": result.value if result.value is not None else SKIPPED}
        logger.info(
            "enquiry prompt=enquiry_message rejected reason=%s", result.error.value if result.error else ""
        )
        length = len(checks.clean_text(value, keep_newlines=True))
        dispatcher.utter_message(response="utter_enquiry_message_too_long", length=length)
        return {"enquiry_message": None}

    def validate_enquiry_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text, intent = _text(tracker), latest_intent(tracker)
        if not _UNSURE.search(text):
            if intent == "deny" or _NO.match(text):
                logger.info("enquiry consent refused")
                return {"enquiry_consent": "no"}
            if intent == "affirm" or _YES.match(text):
                return {"enquiry_consent": "yes", PROMPT: "summary"}
        if self._interrupted("enquiry_consent", dispatcher, tracker):
            return {"enquiry_consent": None}
        dispatcher.utter_message(response="utter_enquiry_invalid_consent")
        return {"enquiry_consent": None}

    async def validate_enquiry_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = _text(tracker)
        change = fields_to_change(text)
        if change:
            logger.info("enquiry change requested fields=%d", len(change))
            return {**{slot: None for slot in change}, "enquiry_confirm": None, PROMPT: "summary"}
        if change == []:
            return {"enquiry_confirm": None, PROMPT: "which"}
        if latest_intent(tracker) == "affirm" or _SEND.match(text):
            return await self._send(dispatcher, tracker)
        if self._interrupted("enquiry_confirm", dispatcher, tracker):
            return {"enquiry_confirm": None, PROMPT: "retry"}
        dispatcher.utter_message(response="utter_enquiry_invalid_confirm")
        return {"enquiry_confirm": None, PROMPT: "none"}

    async def _send(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        if minor_disclosed(tracker):  # never stored for a visitor under 18, whatever the path
            return {"enquiry_confirm": None, PROMPT: "none"}
        key = tracker.get_slot(KEY) or new_idempotency_key()
        try:
            result = await create_async(enquiry_data(tracker), key)
        except InvalidEnquiry as error:
            # A field the store refuses: ask for it again rather than "try again later".
            slot = INVALID_FIELD_SLOTS.get(error.field, "enquiry_name")
            logger.info("enquiry refused by the store: field=%s", error.field)
            dispatcher.utter_message(response=INVALID_RESPONSES.get(slot, "utter_enquiry_invalid_confirm"))
            return {slot: None, "enquiry_confirm": None, KEY: key, PROMPT: "summary"}
        except TooManyEnquiries:
            # The form ends here; the submit action says why and clears everything.
            logger.info("enquiry not saved: its address has had today's enquiries")
            return {"enquiry_confirm": LIMITED, KEY: key}
        except EnquiryError as error:
            logger.warning("enquiry not saved: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_enquiry_store_down")
            return {"enquiry_confirm": None, KEY: key, PROMPT: "retry"}
        logger.info("enquiry saved created=%s", result.created)
        return {"enquiry_confirm": SENT, KEY: key, REFERENCE: result.reference}


class ActionAskEnquiryConfirm(Action):
    """Show exactly what will be sent (or which part to change), escaped, before asking to send."""

    def name(self) -> str:
        return "action_ask_enquiry_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        prompt = tracker.get_slot(PROMPT) or "summary"
        if prompt == "which":
            dispatcher.utter_message(response="utter_enquiry_which_change")
        elif prompt == "retry":
            dispatcher.utter_message(response="utter_enquiry_invalid_confirm")
        elif prompt == "summary":
            method = tracker.get_slot("enquiry_contact_method")
            contact = (
                _value(tracker, "enquiry_phone") if method == "phone" else _value(tracker, "enquiry_email")
            )
            who = WHO_FOR_LABELS.get(_value(tracker, "enquiry_who_for") or "", "not given")
            dispatcher.utter_message(
                response="utter_enquiry_summary",
                name=escape_markdown(_value(tracker, "enquiry_name") or ""),
                contact=escape_markdown(f"{'phone' if method == 'phone' else 'email'}, {contact or ''}"),
                who_for=who,
                availability=escape_markdown(_value(tracker, "enquiry_availability") or "not given"),
                message=escape_markdown(_value(tracker, "enquiry_message") or "none"),
            )
        return [SlotSet(PROMPT, "summary")]


class ActionSubmitEnquiry(Action):
    """Tell the visitor the outcome (sent, no consent, over the daily limit, blocked) and clear."""

    def name(self) -> str:
        return "action_submit_enquiry"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if minor_disclosed(tracker):
            logger.info("enquiry blocked: visitor under 18")
            dispatcher.utter_message(response="utter_enquiry_blocked_minor")
        elif tracker.get_slot("enquiry_consent") != "yes":
            dispatcher.utter_message(response="utter_enquiry_no_consent")
        elif tracker.get_slot("enquiry_confirm") == LIMITED:
            dispatcher.utter_message(text=limit_reached_text(), buttons=[dict(TOPICS_BUTTON)])
        elif tracker.get_slot("enquiry_confirm") == SENT and tracker.get_slot(REFERENCE):
            dispatcher.utter_message(response="utter_enquiry_sent", reference=tracker.get_slot(REFERENCE))
        else:
            dispatcher.utter_message(response="utter_enquiry_cancelled")
        return cleared()


class ActionCancelEnquiry(Action):
    """Cancel at once: nothing sent, every personal slot cleared."""

    def name(self) -> str:
        return "action_cancel_enquiry"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        logger.info("enquiry cancelled by the visitor")
        dispatcher.utter_message(response="utter_enquiry_cancelled")
        return cleared()
