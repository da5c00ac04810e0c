"""Guided self-reflection: validate each answer, acknowledge it, and summarise the themes.

The visitor's words are only read here, never stored by these actions: a
prompt's slot ends up holding ``answered`` or ``skipped``, the running list of
theme ids is the only thing carried between turns, and everything is cleared
when the reflection ends or stops. Nothing here logs what the visitor typed.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Sequence

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.mid_form import answer_question, latest_intent, looks_like_question  # noqa: F401
from actions.reflection_themes import find_themes, focus_areas, theme_labels
from assistant.private_slots import (
    REFLECTION_FORM,
    REFLECTION_PROMPTS,
    REFLECTION_SLOT_ORDER,
    REFLECTION_SLOTS,  # noqa: F401 - re-exported for the tests; declared there only
    REFLECTION_THEMES_SLOT,
)
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
FOCUS_RESPONSES = {
    "focus_dopamine": "utter_reflection_focus_dopamine",
    "focus_attachment": "utter_reflection_focus_attachment",
    "focus_somatic": "utter_reflection_focus_somatic",
    "focus_relational": "utter_reflection_focus_relational",
    "focus_lifestyle": "utter_reflection_focus_lifestyle",
    "erotic_integrity": "utter_reflection_focus_integrity",
}

_SKIP = re.compile(r"^\s*(skip|next|pass|n/?a|-+)\W*$", re.IGNORECASE)


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
        text = (tracker.latest_message or {}).get("text") or ""
        intent = latest_intent(tracker)
        if intent == "skip" or _SKIP.match(text):
            dispatcher.utter_message(response="utter_reflect_ack_skip")
            logger.info("reflection prompt=%s skipped", slot)
            return {slot: SKIPPED}
        question_answer = answer_question(text, intent, tracker)
        if question_answer:
            dispatcher.utter_message(response=question_answer)
            logger.info("reflection prompt=%s question answered, prompt repeated", slot)
            return {slot: None}
        found = find_themes(text)
        known = list(tracker.get_slot(THEMES_SLOT) or [])
        themes = known + [t for t in found if t not in known]
        if found:
            short = slot.removeprefix("reflect_")
            dispatcher.utter_message(
                response=f"utter_reflect_ack_{short}", themes=join_labels(theme_labels(found))
            )
        else:
            dispatcher.utter_message(response="utter_reflect_ack_plain")
        logger.info("reflection prompt=%s answered themes=%d", slot, len(found))
        return {slot: ANSWERED, THEMES_SLOT: themes}

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
        dispatcher.utter_message(
            response="utter_reflection_summary", themes=join_labels(theme_labels(themes))
        )
        areas = focus_areas(themes)
        for area in areas:
            dispatcher.utter_message(response=FOCUS_RESPONSES[area])
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
