"""The enquiry to the therapist: validate each answer, confirm, save with consent, or clear.

The form asks for a name or alias, how to reply (email or phone), who the
enquiry is about, preferred times and a short message (both optional), then
consent, then shows exactly what will be sent. "send" saves it through the
enquiry store (assistant/enquiries) inside the confirmation step, so a failed
save keeps the form at that step for a retry with the same idempotency key;
"change the name to Jo" edits a field and shows the summary again, "change the name" clears it
and asks it again; "cancel" (a rule) clears all. Answers are read from sentences ("my name's
Joanna", "jo@example.com is best", "Ring me on 07911 123456") by assistant/enquiries/sentences.py;
a question asked at any step is answered and the step asked again, never stored as the answer.
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

from assistant.enquiries import sentences
from assistant.enquiries import validation as checks
from assistant.enquiries.config import get_config
from assistant.enquiries.consent import consent_statement
from assistant.enquiries.errors import EnquiryError, InvalidEnquiry
from assistant.enquiries.records import EnquiryData
from assistant.enquiries.sentences import Problem
from assistant.enquiries.store import TooManyEnquiries, create_async, new_idempotency_key
from assistant.mid_form import is_form_question, latest_intent, question_response
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
# The slots each field named in an edit ("change the name to Jo") sets or clears, and its label.
EDIT_SLOTS = {
    "name": ("enquiry_name",),
    "contact": ("enquiry_contact_method", "enquiry_email", "enquiry_phone"),
    "who_for": ("enquiry_who_for",),
    "availability": ("enquiry_availability",),
    "message": ("enquiry_message",),
}
EDIT_LABELS = {
    "name": "name",
    "contact": "contact details",
    "who_for": "who it's about",
    "availability": "days and times",
    "message": "message",
}
OPTIONAL = frozenset(EDIT_SLOTS["availability"] + EDIT_SLOTS["message"])
CONTACT_SLOTS = frozenset(EDIT_SLOTS["contact"])
# What the consent step asks first when a question typed as the message was answered.
MESSAGE_OR_QUESTION = "message_or_question"
# Why an email address or phone number can't be used, each said with an example.
EMAIL_PROBLEMS = {
    Problem.NO_AT: "utter_enquiry_email_no_at",
    Problem.BEFORE_AT: "utter_enquiry_email_before_at",
    Problem.DOMAIN: "utter_enquiry_email_domain",
    Problem.CHARACTERS: "utter_enquiry_email_characters",
    Problem.SEVERAL: "utter_enquiry_email_several",
    Problem.TOO_LONG: "utter_enquiry_invalid_email",
}
PHONE_PROBLEMS = {
    Problem.TOO_SHORT: "utter_enquiry_phone_too_short",
    Problem.PHONE_TOO_LONG: "utter_enquiry_phone_too_long",
    Problem.COUNTRY_CODE: "utter_enquiry_phone_country_code",
    Problem.RESERVED: "utter_enquiry_phone_reserved",
    Problem.SEVERAL: "utter_enquiry_phone_several",
    Problem.INVALID: "utter_enquiry_invalid_phone",
}
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
    edit = sentences.parse_edit(text)
    if edit is None:
        return None
    return list(EDIT_SLOTS[edit.field]) if edit.field else []


def _offered(tracker: Tracker, validating: bool = False) -> str | None:
    """Says "email" or "phone" when an address or number typed before the contact step awaits
    confirmation (the method not chosen yet; while it is being validated the method slot holds
    the words just typed)."""
    if tracker.get_slot("enquiry_contact_method") and not validating:
        return None
    if tracker.get_slot("enquiry_email"):
        return "email"
    if tracker.get_slot("enquiry_phone"):
        return "phone"
    return None


def _expected_detail(text: str) -> str:
    """Which detail an edit's value is an attempt at: an email when it has an @ or says email."""
    return "email" if "@" in text or re.search(r"\be-?mail\b", text, re.IGNORECASE) else "phone"


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

    # ------------------------------------------------------------ questions mid-form

    def _interrupted(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Answer a question asked instead of an answer; the same prompt then comes again.

        Step questions ("why do you need my name?", "is this optional?") get the step's own
        answer; page questions the page's; anything else is said to be for the therapist.
        Returns False when the message is not a question (it may be the answer).
        """
        text = _text(tracker)
        if not is_form_question(text, tracker.latest_message):
            return False
        response = self._step_help(slot, text) or question_response(text, tracker.latest_message)
        dispatcher.utter_message(response=response or "utter_enquiry_question_unanswered")
        logger.info("enquiry prompt=%s question answered=%s, prompt repeated", slot, bool(response))
        return True

    @staticmethod
    def _step_help(slot: str, text: str) -> str | None:
        if slot in OPTIONAL and sentences.asks_if_optional(text):
            return "utter_enquiry_step_optional"
        if slot == "enquiry_consent" and sentences.asks_about_consent(text):
            return "utter_enquiry_consent_help"
        if sentences.asks_why(text):
            if slot == "enquiry_name":
                return "utter_enquiry_why_name"
            if slot in CONTACT_SLOTS:
                return "utter_enquiry_why_contact"
        return None

    # ------------------------------------------------------------ contact details in sentences

    def _contact_found(
        self, text: str, dispatcher: CollectingDispatcher, expect: str | None = None
    ) -> Dict[str, Any] | None:
        """An email address or phone number anywhere in the message, as the slots it fills.

        ``expect`` ("email" or "phone") is the detail the step asks for: what's wrong with an
        attempt at it is said (with an example), and the step asked again. None when the message
        holds neither.
        """
        email = sentences.find_email(text, expect=expect == "email")
        phone = sentences.find_phone(text, region=phone_region(), expect=expect == "phone")
        if email.ok and (expect != "phone" or not phone.ok):
            return {"enquiry_contact_method": "email", "enquiry_email": email.value, "enquiry_phone": None}
        if phone.ok:
            return {"enquiry_contact_method": "phone", "enquiry_phone": phone.value, "enquiry_email": None}
        if email.problem not in (None, Problem.NONE_FOUND) and expect != "phone":
            dispatcher.utter_message(
                response=EMAIL_PROBLEMS.get(email.problem, "utter_enquiry_invalid_email")
            )
            logger.info("enquiry email rejected reason=%s", email.problem.value)
            return {"enquiry_contact_method": "email", "enquiry_email": None, "enquiry_phone": None}
        if phone.problem not in (None, Problem.NONE_FOUND) and expect != "email":
            response = PHONE_PROBLEMS.get(phone.problem, "utter_enquiry_invalid_phone")
            dispatcher.utter_message(response=response, digits=phone.digits)
            logger.info("enquiry phone rejected reason=%s", phone.problem.value)
            return {"enquiry_contact_method": "phone", "enquiry_phone": None, "enquiry_email": None}
        return None

    # ------------------------------------------------------------ the steps

    def validate_enquiry_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A name from "my name's Joanna", "I'm Jo", "call me Jo" or "Jo"; an email or phone
        number typed with it is kept and offered when the contact step comes."""
        text = _text(tracker)
        contact = {
            slot: value
            for slot, value in (self._contact_found(text, CollectingDispatcher()) or {}).items()
            if slot != "enquiry_contact_method" and value
        }
        found = sentences.find_name(text)
        if found.ok:
            result = checks.check_name(found.value)
            if result.ok:
                if "?" in text:  # "I'm Jo, does he see couples?": the question is answered too
                    self._interrupted("enquiry_name", dispatcher, tracker)
                return {"enquiry_name": result.value, **contact}
        # Asked again without the form's opening words (the "again" variant of the prompt).
        again = {"enquiry_name": None, PROMPT: tracker.get_slot(PROMPT) or "again", **contact}
        if self._interrupted("enquiry_name", dispatcher, tracker):
            return again
        logger.info("enquiry prompt=enquiry_name rejected")
        if contact or sentences.said_not_a_name(text):
            dispatcher.utter_message(response="utter_enquiry_not_a_name")
        else:
            dispatcher.utter_message(response="utter_enquiry_invalid_name")
        return again

    def validate_enquiry_contact_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Email or phone; an address or number typed here fills the method and the detail."""
        text = _text(tracker)
        found = self._contact_found(text, dispatcher)
        if found:
            return found
        if not sentences.offers_method(text) and self._interrupted(
            "enquiry_contact_method", dispatcher, tracker
        ):
            return {"enquiry_contact_method": None}
        offered = _offered(tracker, validating=True)
        intent = latest_intent(tracker.latest_message)
        result = checks.check_contact_method(value)
        if offered and not result.ok:
            if intent == "affirm" or _YES.match(text):
                return {"enquiry_contact_method": offered}
            if intent == "deny" or _NO.match(text):
                # Not that one: forget it and ask the plain question.
                return {"enquiry_contact_method": None, "enquiry_email": None, "enquiry_phone": None}
        if result.ok:
            method = result.value
            if method == "phone":
                return {"enquiry_contact_method": "phone", "enquiry_email": None}
            if method == "email":
                return {"enquiry_contact_method": "email", "enquiry_phone": None}
            # "either": the email typed earlier if any, else a phone number typed earlier, else email.
            if offered == "phone":
                return {"enquiry_contact_method": "phone"}
            return {"enquiry_contact_method": method}
        logger.info("enquiry prompt=enquiry_contact_method rejected")
        dispatcher.utter_message(response="utter_enquiry_invalid_method")
        return {"enquiry_contact_method": None}

    def validate_enquiry_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """The address in the message; a phone number instead switches the method to phone."""
        text = _text(tracker)
        found = self._contact_found(text, dispatcher, expect="email")
        if found:
            return found
        if self._interrupted("enquiry_email", dispatcher, tracker):
            return {"enquiry_email": None}
        if checks.check_contact_method(text).value == "phone" and "@" not in text:
            return {"enquiry_contact_method": "phone", "enquiry_email": None}
        logger.info("enquiry prompt=enquiry_email rejected reason=none_found")
        dispatcher.utter_message(response="utter_enquiry_invalid_email")
        return {"enquiry_email": None}

    def validate_enquiry_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """The number in the message, or why it can't be used; an email instead switches to email."""
        text = _text(tracker)
        found = self._contact_found(text, dispatcher, expect="phone")
        if found:
            return found
        if self._interrupted("enquiry_phone", dispatcher, tracker):
            return {"enquiry_phone": None}
        if checks.check_contact_method(text).value == "email":
            return {"enquiry_contact_method": "email", "enquiry_phone": None}
        logger.info("enquiry prompt=enquiry_phone rejected reason=none_found")
        dispatcher.utter_message(response="utter_enquiry_invalid_phone")
        return {"enquiry_phone": None}

    def validate_enquiry_who_for(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Me, me and a partner, or a partner; a question is answered, never taken as the answer."""
        if self._interrupted("enquiry_who_for", dispatcher, tracker):
            return {"enquiry_who_for": None}
        result = checks.check_who_for(value)
        return self._checked("enquiry_who_for", result, "utter_enquiry_invalid_who_for", dispatcher)

    def validate_enquiry_availability(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Optional days and times; a question is answered and the step asked again."""
        if self._interrupted("enquiry_availability", dispatcher, tracker):
            return {"enquiry_availability": None}
        result = checks.check_availability(value)
        return self._checked("enquiry_availability", result, "utter_enquiry_invalid_availability", dispatcher)

    def validate_enquiry_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """An optional message. A question the page answers is answered, then the visitor says
        whether it was also their message (two buttons, asked in place of the consent)."""
        text = _text(tracker)
        if sentences.is_question(text) and sentences.asks_if_optional(text):
            dispatcher.utter_message(response="utter_enquiry_step_optional")
            return {"enquiry_message": None}
        if sentences.is_question(text) and sentences.asks_about_consent(text):
            # "what happens if I say no?" is about the form, not a message for the therapist:
            # answered, and the message asked for again (the consent step comes next)
            dispatcher.utter_message(response="utter_enquiry_consent_help")
            logger.info("enquiry prompt=enquiry_message consent question answered, prompt repeated")
            return {"enquiry_message": None}
        result = checks.check_message(value)
        if not result.ok:
            logger.info(
                "enquiry prompt=enquiry_message rejected reason=%s",
                result.error.value if result.error else "",
            )
            length = len(checks.clean_text(value, keep_newlines=True))
            dispatcher.utter_message(response="utter_enquiry_message_too_long", length=length)
            return {"enquiry_message": None}
        answer = (
            question_response(text, tracker.latest_message)
            if is_form_question(text, tracker.latest_message)
            else None
        )
        if answer and result.value:
            # Held as the message until the visitor says which it was.
            dispatcher.utter_message(response=answer)
            logger.info("enquiry prompt=enquiry_message question answered, message or question asked")
            return {"enquiry_message": result.value, PROMPT: MESSAGE_OR_QUESTION}
        # A question the page can't answer is one for the therapist: it is the message.
        return {"enquiry_message": result.value if result.value is not None else SKIPPED}

    def validate_enquiry_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Yes or no when clear; a question about consent is answered and consent asked again."""
        text, intent = _text(tracker), latest_intent(tracker.latest_message)
        if tracker.get_slot(PROMPT) == MESSAGE_OR_QUESTION:
            return self._message_or_question(text, intent)
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

    @staticmethod
    def _message_or_question(text: str, intent: str) -> Dict[str, Any]:
        lowered = text.lower()
        # The buttons send "Send it" (affirm) and "skip".
        if re.search(r"\b(only|just) a question\b|\bnot (?:my|a|the) message\b|\bquestion\b", lowered) or (
            intent in ("deny", "skip") or _NO.match(text) or checks.is_skip(text)
        ):
            logger.info("enquiry message was only a question: asked again")
            return {"enquiry_message": None, "enquiry_consent": None, PROMPT: None}
        if (
            re.search(r"\bmessage\b|\bboth\b|\bkeep\b", lowered)
            or intent == "affirm"
            or _YES.match(text)
            or _SEND.match(text)
        ):
            return {"enquiry_consent": None, PROMPT: None}
        # Anything else: the choice again (the ask action shows it while the prompt says so).
        return {"enquiry_consent": None}

    async def validate_enquiry_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Send, an edit by name ("change the name to Jo", "remove the times"), or a question."""
        text = _text(tracker)
        edit = sentences.parse_edit(text)
        if edit is None or edit.field is None:
            # "actually it's jo2@example.com": a new address or number is an edit of the contact.
            if sentences.find_email(text).ok or sentences.find_phone(text, region=phone_region()).ok:
                edit = sentences.Edit(field="contact", value=text)
        if edit is not None:
            if edit.field is None:
                return {"enquiry_confirm": None, PROMPT: "which"}
            logger.info("enquiry edit field=%s value=%s remove=%s", edit.field, bool(edit.value), edit.remove)
            return {**self._edit(edit, dispatcher), "enquiry_confirm": None}
        if latest_intent(tracker.latest_message) == "affirm" or _SEND.match(text):
            return await self._send(dispatcher, tracker)
        if self._interrupted("enquiry_confirm", dispatcher, tracker):
            return {"enquiry_confirm": None, PROMPT: "retry"}
        dispatcher.utter_message(response="utter_enquiry_invalid_confirm")
        return {"enquiry_confirm": None, PROMPT: "none"}

    def _edit(self, edit: sentences.Edit, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        """The slots an edit sets (the summary is then shown again), or clears to ask again."""
        field = edit.field or ""
        slots = EDIT_SLOTS[field]
        again = {**{slot: None for slot in slots}, PROMPT: "change"}
        if edit.remove:
            if field in ("availability", "message"):
                dispatcher.utter_message(
                    response="utter_enquiry_changed", change=f"removed the {EDIT_LABELS[field]}"
                )
                return {slots[0]: SKIPPED, PROMPT: "summary"}
            dispatcher.utter_message(response="utter_enquiry_cannot_remove", field=EDIT_LABELS[field])
            return again
        if not edit.value:
            return again
        result: Dict[str, Any] | None = None
        if field == "name":
            found = sentences.find_name(edit.value)
            checked = checks.check_name(found.value if found.ok else edit.value)
            if checked.ok:
                result = {"enquiry_name": checked.value}
            else:
                dispatcher.utter_message(response="utter_enquiry_invalid_name")
        elif field == "contact":
            found_contact = self._contact_found(edit.value, dispatcher, expect=_expected_detail(edit.value))
            if found_contact and (found_contact.get("enquiry_email") or found_contact.get("enquiry_phone")):
                result = found_contact
            elif found_contact:
                return {**found_contact, PROMPT: "change"}
        elif field == "who_for":
            checked = checks.check_who_for(edit.value)
            if checked.ok:
                result = {"enquiry_who_for": checked.value}
            else:
                dispatcher.utter_message(response="utter_enquiry_invalid_who_for")
        elif field == "availability":
            checked = checks.check_availability(edit.value)
            if checked.ok:
                result = {"enquiry_availability": checked.value or SKIPPED}
            else:
                dispatcher.utter_message(response="utter_enquiry_invalid_availability")
        elif field == "message":
            checked = checks.check_message(edit.value)
            if checked.ok:
                result = {"enquiry_message": checked.value or SKIPPED}
            else:
                length = len(checks.clean_text(edit.value, keep_newlines=True))
                dispatcher.utter_message(response="utter_enquiry_message_too_long", length=length)
        if result is None:
            return again
        dispatcher.utter_message(response="utter_enquiry_changed", change=f"changed the {EDIT_LABELS[field]}")
        return {**result, PROMPT: "summary"}

    def _checked(
        self,
        slot: str,
        result: checks.Checked,
        invalid: str,
        dispatcher: CollectingDispatcher,
        **values: Any,
    ) -> Dict[str, Any]:
        if result.ok:
            return {slot: result.value if result.value is not None else SKIPPED}
        logger.info("enquiry prompt=%s rejected reason=%s", slot, result.error.value if result.error else "")
        dispatcher.utter_message(response=invalid, **values)
        return {slot: None}

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


class ActionAskEnquiryContactMethod(Action):
    """Ask how to reply, or offer the email address or number typed earlier for confirmation."""

    def name(self) -> str:
        return "action_ask_enquiry_contact_method"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        offered = _offered(tracker)
        if offered == "email":
            email = escape_markdown(tracker.get_slot("enquiry_email") or "")
            dispatcher.utter_message(response="utter_enquiry_offer_email", email=email)
        elif offered == "phone":
            phone = tracker.get_slot("enquiry_phone") or ""  # E.164 from the validator: + and digits
            dispatcher.utter_message(response="utter_enquiry_offer_phone", phone=phone)
        else:
            dispatcher.utter_message(response="utter_ask_enquiry_contact_method")
        return []


class ActionAskEnquiryConsent(Action):
    """Ask for consent, or first whether a question typed as the message was the message."""

    def name(self) -> str:
        return "action_ask_enquiry_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot(PROMPT) == MESSAGE_OR_QUESTION:
            dispatcher.utter_message(response="utter_enquiry_message_or_question")
        else:
            dispatcher.utter_message(response="utter_ask_enquiry_consent")
        return []


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
        elif prompt != "none":  # "summary", or after a field was asked again ("change", "again")
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
