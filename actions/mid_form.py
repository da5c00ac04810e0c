"""Questions asked in the middle of a form: answered, then the same prompt is asked again."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.page_search import best_section

_QUESTION_START = re.compile(
    r"^\s*(what|how|why|when|where|who|which|is|are|does|do|can|could|will|would|should)\b",
    re.IGNORECASE,
)
# Page questions (answered by the response selector's choice) and a few others.
PAGE_INTENTS = {"faq", "not_on_page"}
ANSWERED_BY_RESPONSE = {
    "contact": "utter_contact",
    "bot_challenge": "utter_bot_challenge",
    "what_can_you_do": "utter_what_can_you_do",
    "partner_concern": "utter_partner_help",
}


def looks_like_question(text: str) -> bool:
    """A message phrased as a question (a question mark, or a question word first)."""
    return "?" in text or bool(_QUESTION_START.match(text))


def latest_intent(tracker: Tracker) -> str:
    """The intent of the visitor's latest message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def _retrieval_response(tracker: Tracker, intent: str) -> str | None:
    """The answer the response selector chose for a page question (``utter_faq/<id>``)."""
    selector = (tracker.latest_message or {}).get("response_selector") or {}
    # Keyed by the retrieval intent when the selector is trained for one, else "default".
    chosen = (selector.get(intent) or selector.get("default") or {}).get("response") or {}
    utter = chosen.get("utter_action")
    return utter if isinstance(utter, str) and utter.startswith(f"utter_{intent}/") else None


def answer_question(text: str, intent: str, tracker: Tracker) -> str | None:
    """The response that answers a question asked mid-form, or None if the message is an answer."""
    if not looks_like_question(text):
        return None
    if intent in PAGE_INTENTS:
        return _retrieval_response(tracker, intent)
    if intent in ANSWERED_BY_RESPONSE:
        return ANSWERED_BY_RESPONSE[intent]
    if intent == "nlu_fallback":
        match = best_section(text)
        return f"utter_faq/{match[0]}" if match else None
    return None
