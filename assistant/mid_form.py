"""Questions asked in the middle of a form: answered, then the same prompt is asked again.

Two readers share this: the reflection uses :func:`answer_question` (a "?" or a question word
first); the enquiry form uses :func:`is_form_question` and :func:`question_response`, which also
take a confident page-question intent ("tell me about couples work") as a question and never a
request that answers the step ("can you email me?", ``assistant.enquiries.sentences``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from assistant.enquiries.sentences import is_question
from assistant.page_search import best_section

# The parse data of the visitor's latest message (a tracker's ``latest_message``).
ParseData = Mapping[str, Any]

_QUESTION_START = re.compile(
    r"^\s*(what|how|why|when|where|who|which|is|are|does|do|can|could|will|would|should)\b",
    re.IGNORECASE,
)
# Page questions (answered by the response selector's choice) and a few others.
PAGE_INTENTS = {"faq", "not_on_page", "privacy"}
# A page-question intent this confident is a question even without "?" or a question word.
CONFIDENT_QUESTION = 0.8
_TELL_ME = re.compile(
    r"^\s*(?:please\s+)?(?:tell me|explain|i'?d like to know|i want to know|i wonder)\b", re.I
)
# A privacy question without a question mark names the chat's keeping ("wait is this saved"),
# unlike an answer that merely mentions hiding or clearing things ("I clear my history").
_ABOUT_THE_CHAT = re.compile(
    r"\b(saved|stored|recorded|logged|confidential|private|anonymous|(who|tim|anyone|someone)\b.{0,20}\b(see|read)s?)\b",
    re.I,
)
ANSWERED_BY_RESPONSE = {
    "contact": "utter_contact",
    "bot_challenge": "utter_bot_challenge",
    "what_can_you_do": "utter_what_can_you_do",
    "partner_concern": "utter_partner_help",
}


def looks_like_question(text: str) -> bool:
    """A message phrased as a question (a question mark, or a question word first)."""
    return "?" in text or bool(_QUESTION_START.match(text))


def latest_intent(message: ParseData) -> str:
    """The intent of the visitor's latest message."""
    return ((message or {}).get("intent") or {}).get("name") or ""


def _retrieval_response(message: ParseData, intent: str) -> str | None:
    """The answer the response selector chose for a page question (``utter_faq/<id>``)."""
    selector = (message or {}).get("response_selector") or {}
    # Keyed by the retrieval intent when the selector is trained for one, else "default".
    chosen = (selector.get(intent) or selector.get("default") or {}).get("response") or {}
    utter = chosen.get("utter_action")
    return utter if isinstance(utter, str) and utter.startswith(f"utter_{intent}/") else None


def answer_question(text: str, message: ParseData) -> str | None:
    """The response that answers a question asked mid-form, or None if the message is an answer.

    A confident question about the chat's own privacy counts even without a question mark
    when it names the chat's keeping ("wait before i answer is this saved").
    """
    privacy = (
        latest_intent(message) == "privacy"
        and latest_confidence(message) >= CONFIDENT_QUESTION
        and bool(_ABOUT_THE_CHAT.search(text))
    )
    return question_response(text, message) if privacy or looks_like_question(text) else None


def latest_confidence(message: ParseData) -> float:
    """The confidence of the latest message's intent (0 when unknown)."""
    value = ((message or {}).get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else 0.0


def is_form_question(text: str, message: ParseData) -> bool:
    """A question asked instead of an answer: phrased as one, or a confident page question
    phrased as a request to be told ("tell me about couples work")."""
    if is_question(text):
        return True
    intent = latest_intent(message)
    if intent == "privacy" and latest_confidence(message) >= CONFIDENT_QUESTION:
        return True
    return (
        bool(_TELL_ME.match(text))
        and intent in PAGE_INTENTS
        and latest_confidence(message) >= CONFIDENT_QUESTION
    )


def question_response(text: str, message: ParseData) -> str | None:
    """The response that answers a question asked mid-form, or None when the page can't answer it."""
    intent = latest_intent(message)
    if intent in PAGE_INTENTS:
        return _retrieval_response(message, intent)
    if intent in ANSWERED_BY_RESPONSE:
        return ANSWERED_BY_RESPONSE[intent]
    if intent == "nlu_fallback":
        match = best_section(text)
        return f"utter_faq/{match[0]}" if match else None
    return None
