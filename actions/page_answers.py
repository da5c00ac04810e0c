"""Answer from the page when the classifiers are unsure, or say honestly that it doesn't say."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from assistant.page_search import best_section

logger = logging.getLogger(__name__)

# Replies that mean "I could not help with that message".
FALLBACK_RESPONSES = {"utter_page_doesnt_say", "utter_fallback_menu", "utter_default"}


def consecutive_fallbacks(events: List[Dict[str, Any]]) -> int:
    """How many of the latest completed user turns, in a row, ended in a fallback reply."""
    turns: List[List[str]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        elif event.get("event") == "bot" and turns:
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter:
                turns[-1].append(utter)
    # The last turn is the message being answered now.
    count = 0
    for replies in reversed(turns[:-1]):
        if not FALLBACK_RESPONSES.intersection(replies):
            break
        count += 1
    return count


class ActionAnswerFromPage(Action):
    """Search the page's passages (BM25 over lemmas); answer above the threshold, else say so."""

    def name(self) -> str:
        return "action_answer_from_page"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        match = best_section(text) if text.strip() else None
        if match is not None:
            section_id, score = match
            logger.info("retrieval answered section=%s score=%.2f", section_id, score)
            dispatcher.utter_message(response="utter_retrieval_intro")
            dispatcher.utter_message(response=f"utter_faq/{section_id}")
            return []
        if consecutive_fallbacks(tracker.events) >= 1:
            logger.info("retrieval found nothing; offering the topic menu")
            dispatcher.utter_message(response="utter_fallback_menu")
        else:
            logger.info("retrieval found nothing; asking to rephrase")
            dispatcher.utter_message(response="utter_page_doesnt_say")
        return []
