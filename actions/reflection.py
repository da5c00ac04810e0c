"""Guided self-reflection: validate each answer, acknowledge it, and summarise the themes.

The visitor's words are only read here, never stored by these actions: a
prompt's slot ends up holding ``answered`` or ``skipped``, the running list of
themes (``theme`` or ``theme|cue``, a cue made only of the patterns' words,
``assistant.reflection.compose``) is the only thing carried between turns, and
everything is cleared when the reflection ends or stops. An acknowledgement may
mirror a short phrase of the answer, in that turn's message only (the tracker
store keeps ``utter_reflect_ack_*`` messages without their text). Nothing here
logs what the visitor typed.

"Carry on" / "where were we" picks the reflection up at the prompt it was left
at: in the middle of it (after a question) the same prompt is asked again; after
a safety message or "Get help now" closed it, ``action_resume_reflection`` marks
the earlier prompts as done and runs the form again from that prompt.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Sequence

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from assistant.mid_form import answer_question, latest_intent, looks_like_question  # noqa: F401
from assistant.private_slots import (
    REFLECTION_FORM,
    REFLECTION_PROMPTS,
    REFLECTION_SLOT_ORDER,
    REFLECTION_SLOTS,  # noqa: F401 - re-exported for the tests; declared there only
    REFLECTION_THEMES_SLOT,
)
from assistant.reflection.compose import acknowledgement, entries, summary_lines
from assistant.reflection.finder import find_hits, theme_labels  # noqa: F401 - theme_labels re-exported
from assistant.safety.minor import minor_disclosed

logger = logging.getLogger(__name__)

FORM = REFLECTION_FORM
PROMPTS = REFLECTION_PROMPTS
THEMES_SLOT = REFLECTION_THEMES_SLOT
ANSWERED = "answered"
SKIPPED = "skipped"

# What the visitor can read more about after the summary, per focus area: a
# question the assistant answers from that part of the page.
READ_MORE = {
    "focus_dopamine": "How does therapy reset the reward system?",
    "focus_attachment": "What is attachment awareness?",
    "focus_somatic": "What is somatic reconnection?",
    "focus_relational": "How does therapy rebuild trust with a partner?",
    "focus_lifestyle": "What is lifestyle synchronisation?",
    "erotic_integrity": "What does healing look like?",
}

_SKIP = re.compile(r"^\s*(skip|next|pass|n/?a|-+)\W*$", re.IGNORECASE)
# "carry on", "where were we?", "ok, can we continue": a short message asking to go on.
_RESUME = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|sorry|yes|yeah|fine|so|i'?m\s+(?:ok(?:ay)?|fine|alright|good)(?:\s+now)?)\W+)*(?:(?:can|could|shall)\s+we\s+|let'?s\s+|please\s+)?"
    r"(?:carry\s+on|continue|keep\s+going|go\s+on|resume|where\s+(?:were|was)\s+(?:we|i)|pick\s+up\s+where\s+we\s+left\s+off)"
    r"(?:\s+(?:then|please|pls|now))?\W*$",
    re.IGNORECASE,
)
RESUME_INTENT = "resume"
# "Can we do the reflection?" read as "can we carry on?" when nothing is paused: the visitor
# asks for the reflection itself, so it is offered as "I'd like to reflect" would offer it.
_ASKS_FOR_REFLECTION = re.compile(r"\b(reflect\w*|questions|exercise)\b", re.IGNORECASE)


def asks_to_resume(text: str, intent: str) -> bool:
    """Whether the message asks to go on with the reflection ("carry on", "where were we?")."""
    return intent == RESUME_INTENT or bool(_RESUME.match(text))


def join_labels(labels: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def cleared() -> List[EventType]:
    """Events that empty every reflection slot."""
    return [SlotSet(slot, None) for slot in REFLECTION_SLOT_ORDER]


class ValidateReflectionForm(FormValidationAction):
    """Acknowledge each answer by its themes; handle skip and questions asked mid-reflection."""

    def name(self) -> str:
        return "validate_reflection_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """No prompts for a visitor who has said they are under 18: the form ends at once."""
        if minor_disclosed(tracker):
            return []
        return domain_slots

    def _validate(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        if value in (ANSWERED, SKIPPED) and tracker.get_slot("requested_slot") != slot:
            # A marker set when the reflection was picked up again (action_resume_reflection),
            # validated as the form starts: kept, and the visitor's message is not read for it.
            return {slot: value}
        text = (tracker.latest_message or {}).get("text") or ""
        intent = latest_intent(tracker.latest_message)
        if intent == "skip" or _SKIP.match(text):
            dispatcher.utter_message(response="utter_reflect_ack_skip")
            logger.info("reflection prompt=%s skipped", slot)
            return {slot: SKIPPED}
        if asks_to_resume(text, intent):
            dispatcher.utter_message(response="utter_reflection_resume_here")
            logger.info("reflection prompt=%s asked to carry on, prompt repeated", slot)
            return {slot: None}
        question_answer = answer_question(text, tracker.latest_message)
        if question_answer:
            dispatcher.utter_message(response=question_answer)
            logger.info("reflection prompt=%s question answered, prompt repeated", slot)
            return {slot: None}
        short = slot.removeprefix("reflect_")
        hits = find_hits(text, short)
        known = list(tracker.get_slot(THEMES_SLOT) or [])
        ack = acknowledgement(hits, short)
        if ack:
            dispatcher.utter_message(response=f"utter_reflect_ack_{short}", themes=ack)
        else:
            dispatcher.utter_message(response="utter_reflect_ack_plain")
        logger.info("reflection prompt=%s answered themes=%d", slot, len(hits))
        return {slot: ANSWERED, THEMES_SLOT: known + entries(hits)}

    def validate_reflect_before(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("reflect_before", value, dispatcher, tracker)

    def validate_reflect_gives(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("reflect_gives", value, dispatcher, tracker)

    def validate_reflect_after(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("reflect_after", value, dispatcher, tracker)

    def validate_reflect_secrecy(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("reflect_secrecy", value, dispatcher, tracker)

    def validate_reflect_body(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("reflect_body", value, dispatcher, tracker)

    def validate_reflect_instead(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("reflect_instead", value, dispatcher, tracker)


class ActionReflectionSummary(Action):
    """Name the themes found, say how therapy works with them, offer next steps; clear everything."""

    def name(self) -> str:
        return "action_reflection_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if minor_disclosed(tracker):
            dispatcher.utter_message(response="utter_reflection_adults_only")
            return cleared()
        themes = list(tracker.get_slot(THEMES_SLOT) or [])
        logger.info("reflection finished themes=%d", len(themes))
        if not themes:
            dispatcher.utter_message(response="utter_reflection_no_themes")
            return cleared()
        lines, areas = summary_lines(themes)
        dispatcher.utter_message(response="utter_reflection_summary", themes=lines)
        dispatcher.utter_message(response="utter_reflection_next_steps", read_more=READ_MORE[areas[0]])
        return cleared()


class ActionStopReflection(Action):
    """Stop at once, kindly, and clear every answer."""

    def name(self) -> str:
        return "action_stop_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        logger.info("reflection stopped by the visitor")
        dispatcher.utter_message(response="utter_reflection_stopped")
        return cleared()


def paused_prompt(events: Sequence[Dict[str, Any]]) -> str | None:
    """The prompt a reflection of this session was left at when something else closed it, or None.

    A reflection that finished (its summary) or that the visitor stopped is not paused;
    one closed by a safety message or "Get help now" is, at the prompt it was asking.
    """
    paused: str | None = None
    asking: str | None = None
    active = False
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            paused, asking, active = None, None, False
        elif kind == "active_loop":
            if event.get("name") == FORM:
                active, asking, paused = True, None, None
            elif active:
                active, paused = False, asking
        elif kind == "slot" and event.get("name") == "requested_slot" and active:
            value = event.get("value")
            if value in PROMPTS:
                asking = value
        elif kind == "action" and event.get("name") in (
            "action_reflection_summary",
            "action_stop_reflection",
        ):
            paused = None
    return None if active else paused


OFFER = "utter_reflection_intro"
_OFFER_TURNS = 2  # the offer still waits this many visitor messages later (one aside)


def offer_pending(events: Sequence[Dict[str, Any]]) -> bool:
    """The reflection was offered ("Would you like to begin?") in the last couple of turns and
    neither begun, declined nor replaced by a form since: "carry on" then means "yes"."""
    turns = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            turns += 1
            if turns > _OFFER_TURNS:
                return False
        elif kind == "active_loop" and event.get("name"):
            return False
        elif kind == "session_started":
            return False
        elif kind == "action":
            name = event.get("name")
            if name == OFFER:
                return turns >= 1
            if name in ("utter_reflection_not_now", "action_stop_reflection", "utter_contact"):
                return False
    return False


class ActionResumeReflection(Action):
    """Pick the reflection up at the prompt it was left at, or say there is none to pick up."""

    def name(self) -> str:
        return "action_resume_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        prompt = paused_prompt(tracker.events)
        if prompt is None and offer_pending(tracker.events):
            # "ok, carry on" after the offer and a question about it ("does Tim see my answers?")
            if minor_disclosed(tracker):
                dispatcher.utter_message(response="utter_reflection_adults_only")
                return []
            logger.info("reflection begun after an aside to its offer")
            return [FollowupAction(FORM)]
        if prompt is None:
            if _ASKS_FOR_REFLECTION.search(tracker.latest_message.get("text") or ""):
                logger.info("reflection asked for with none paused: offered")
                return [FollowupAction("utter_reflection_intro")]
            logger.info("reflection resume asked with none paused")
            dispatcher.utter_message(response="utter_reflection_nothing_to_resume")
            return []
        if minor_disclosed(tracker):
            dispatcher.utter_message(response="utter_reflection_adults_only")
            return cleared()
        logger.info("reflection resumed at prompt=%s", prompt)
        dispatcher.utter_message(response="utter_reflection_resume")
        done = PROMPTS[: PROMPTS.index(prompt)]
        events: List[EventType] = [SlotSet(p, ANSWERED) for p in done if tracker.get_slot(p) is None]
        return events + [FollowupAction(FORM)]
