"""Two readings the classifier can't make from one message alone: another language, and bare follow-ups.

Runs after the classifiers and before the safety override (which still has the last word):

- "delete this conversation" read as a privacy question becomes ``delete_chat`` (a
  confirmation first), while "how do I delete this?" stays a question;
- a message that is not in English becomes ``other_language`` (a short note, in English,
  that the assistant only understands English, with the help routes); the classifier's own
  ``other_language`` guess stands only when the message shows some sign of another language
  (after round-7's data it took "is the first consultation free" for one), else its next guess;
- a bare follow-up ("what do you mean?", "tell me more", "why?", "the second one") becomes
  ``followup_plain``, ``followup_more`` or ``followup_item``, whatever the classifier made of
  a message that short; the response generator answers it from the latest page answer
  (assistant/answers.py). Longer follow-ups are left to the classifier, trained on them;
- a short request to stop ("ok stop", "can we stop this please") becomes ``stop``, and a short
  "ok ready" / "let's begin" becomes ``affirm``: typed in a form, the classifier's guess
  between them and an answer was taken as the answer ("ok stop" read as a wish for control);
- a request to do the reflection ("is there some kind of reflection I can do here?") becomes
  ``start_reflection`` when the classifier read it as a question (about privacy or the page);
- a request to book or contact Tim ("I want to book a session", "I'd like to reach out to
  Tim") becomes ``contact`` when the classifier read it as a question the page doesn't answer;
- a short question that points back at the last answer ("why does that make a difference?",
  "how does that actually help someone?", "why not?") becomes ``followup_more`` when the
  classifier was unsure of it (no intent, an out-of-scope guess, or two sections too close
  to call): alone it names nothing the page could be searched for.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from assistant.english import has_foreign_sign, is_other_language
from assistant.nlu.retrieval_gate import CLARIFY_KEY

OTHER_LANGUAGE = "other_language"

_PLAIN = {
    "what do you mean",
    "what do u mean",
    "wdym",
    "what does that mean",
    "what does that even mean",
    "meaning",
    "huh",
    "what",
    "sorry what",
    "i dont understand",
    "i don't understand",
    "dont understand",
    "i dont get it",
    "i don't get it",
    "dont get it",
    "in simpler words",
    "in simple words",
    "simpler please",
    "simpler",
    "say that more simply",
    "in plain english",
    "plain english please",
    "eli5",
    "explain that",
    "explain",
    "can you explain that",
    "can you explain",
}
_MORE = {
    "tell me more",
    "more",
    "more please",
    "more info",
    "more detail",
    "more details",
    "why",
    "why not",
    "why is that",
    "why is that then",
    "how",
    "how so",
    "how come",
    "how does that help",
    "how does that work",
    "such as",
    "like what",
    "example",
    "for example",
    "an example",
    "can you expand",
    "expand",
    "elaborate",
    "keep going",
    "and then what",
    "what else",
    "anything else about that",
}
# "Go on" on its own is a yes: after a page answer the reply goes on with it
# (assistant/nlg.py), after "Would you like to begin?" the reflection begins.
_GO_ON = {"go on", "ok go on", "okay go on", "go on then", "yes go on"}
_ITEM = re.compile(
    r"^(?:(?:and|what about|tell me about|more about|ok|okay)\s+)?(?:the\s+)?"
    r"(?:first|second|third|fourth|fifth|sixth|last|1st|2nd|3rd|4th|5th|6th|number\s+[1-6]|no\s*[1-6]|[1-6])"
    r"(?:\s+one)?(?:\s+please)?$"
)
# A short request to stop what is running. Not "I want to stop": in the reflection that is
# an answer (a wish to stop the behaviour), and elsewhere it is about the behaviour too.
_STOP_REQUEST = re.compile(
    r"^(?:(?:ok|okay|right|fine|no|nah|actually|sorry|um|hmm|please|pls|wait)\s+)*"
    r"(?:(?:can|could)\s+(?:we|i|you)\s+(?:please\s+)?|let'?s\s+|just\s+|please\s+|pls\s+)?"
    r"(?:stop|end|quit|cancel)"
    r"(?:\s+(?:it|this|that|now|here|there|the reflection|the questions|these questions|please|pls|"
    r"for now|thanks|thank you|already))*$"
)
# A short "ready" or "let's begin": a yes to "Would you like to begin?".
_READY = re.compile(
    r"^(?:(?:ok|okay|right|yes|yeah|yep|sure|alright|all right|fine)\s+)*"
    r"(?:i'?m\s+ready|im\s+ready|ready|begin|start|let'?s\s+(?:begin|start|go|do it|do this)|"
    r"go ahead|go for it|(?:i'?m|im)\s+in)(?:\s+(?:now|then|please|pls))*$"
)
# Asking for the reflection ("is there a reflection I can do", "walk me through the reflection").
_ASK_REFLECTION = re.compile(
    r"\b(?:do|start|begin|try|have|go through|give|walk me through|take me through|use)\b.{0,40}"
    r"\b(?:reflect\w*|self reflection)\b|\breflect\w*\b.{0,30}\b(?:i|we) (?:can|could) (?:do|try|use)\b"
)
# Asking to book or get in touch, without asking what it costs or where.
_BOOK = re.compile(
    r"\b(?:want|wanna|like|love|need|can i|could i|how (?:do|can) i|may i|help me|ready to|time to|"
    r"i'?d rather)\b.{0,15}"
    r"\b(?:book|make an appointment|reach out to|get in touch with|contact|speak to|speak with|talk to|"
    r"talk with|see|email|message|work with)\b.{0,20}"
    r"\b(?:tim|tim norton|him|a session|an appointment|the therapist|a therapist|someone)\b"
)
# ... unless it asks what the page doesn't say about it: cost, place, format, waiting.
_BOOK_NOT = re.compile(
    r"\b(?:cost|price|how much|fee|fees|where|insurance|nhs|how long|wait(?:ing)?|online|in person|"
    r"video|zoom|remote(?:ly)?|face to face|evening|weekend|available|availability)\b"
)
_STRIP = re.compile(r"[^\w\s']+")
# "Delete this conversation" is the command, not a question about deleting: the classifier
# may read it as ``privacy`` (whose delete answer explains the command), so a request to
# delete the chat itself goes to ``delete_chat``, which asks for a confirmation first.
_DELETE_COMMAND = re.compile(
    r"^(?:ok\s+|okay\s+|right\s+|now\s+)?(?:please\s+|pls\s+|can you\s+|could you\s+|just\s+)?"
    r"(?:delete|erase|wipe|clear|remove)\s+(?:this|my|the|our|all)?\s*(?:whole\s+|entire\s+)?"
    r"(?:chat|chats|conversation|convo|messages)\b(?:\s+(?:please|pls|now))?$"
)


def normalise(text: str) -> str:
    return " ".join(_STRIP.sub(" ", text.lower().replace("’", "'")).split())


# A question about the chat's own privacy names what it asks about: keeping, reading,
# deleting, confidentiality. Without one of these words the classifier's "privacy" is a
# guess ("more real closeness" as an answer in the reflection) and the page search decides.
_ABOUT_PRIVACY = re.compile(
    r"\b(sav(e|ed|ing)|stor(e|ed|ing)|kept|keep(s|ing)?|record(ed|ing|s)?|logg?(ed|ing|s)?|"
    r"confidential\w*|privat\w*|privacy|anonym\w*|secret|see(s|n|ing)?|read(s|ing)?|watch\w*|"
    r"delet\w*|eras\w*|wip(e|ed|ing)|clear\w*|remov\w*|copy|copies|track\w*|data|traced?|"
    r"screenshot\w*|finds? out|found out|who|tim|therapist|anyone|anybody|someone|history)\b"
)
# "Can we do the private reflection?" asks to begin it, not what it keeps.
_START_REFLECTION = re.compile(r"\b(do|start|begin|try|have|go through|give)\b.{0,25}\breflect\w*")
_ABOUT_KEEPING = re.compile(r"\b(sav\w*|stor\w*|kept|keep\w*|see\w*|read\w*|delet\w*|who)\b")
FALLBACK_INTENT = "nlu_fallback"


def privacy_reading(text: str, intent: str | None) -> str | None:
    """The intent for a message the classifier read as a privacy question, when that is wrong."""
    if intent != "privacy":
        return None
    words = normalise(text)
    if _START_REFLECTION.search(words) and not _ABOUT_KEEPING.search(words):
        return "start_reflection"
    if not _ABOUT_PRIVACY.search(words):
        return FALLBACK_INTENT
    return None


# What the classifier may make of a request it wasn't trained on in these words.
_QUESTION_READINGS = {"privacy", "faq", "not_on_page", FALLBACK_INTENT, "safety_can_tim_help", "out_of_scope"}


def request_reading(text: str, intent: str | None) -> str | None:
    """``stop``, ``affirm``, ``start_reflection`` or ``contact`` for a short request the
    classifier read as something else, else None."""
    words = normalise(text)
    if not words:
        return None
    short = len(words.split()) <= 7
    if short and _STOP_REQUEST.match(words) and intent != "stop":
        return "stop"
    if short and _READY.match(words) and intent != "affirm":
        return "affirm"
    if intent in _QUESTION_READINGS:
        if _ASK_REFLECTION.search(words) and not _ABOUT_KEEPING.search(words):
            return "start_reflection"
        if _BOOK.search(words) and not _BOOK_NOT.search(words) and intent != "safety_can_tim_help":
            return "contact"
    return None


def delete_command(text: str, intent: str | None) -> bool:
    """A request to delete the chat that the classifier read as a privacy question."""
    return intent == "privacy" and bool(_DELETE_COMMAND.match(normalise(text)))


# A short why/how question about "that", "it" or "this": it asks about what was just said.
_POINTS_BACK = re.compile(
    r"^(?:(?:ok|okay|so|and|but|right|hm+|hmm|wait|sorry|yeah|yes)\s+)*(?:why|how)\b"
    r"(?:\s+\S+){0,2}?\s+(?:that|this|it|them|those)\b"
)
# Guesses that mean the classifier did not know what the message asks.
_UNSURE_READINGS = {FALLBACK_INTENT, "out_of_scope", "what_can_you_do", "share_context"}


def pointing_back(text: str, intent: str | None, sections_too_close: bool) -> str | None:
    """``followup_more`` for a short question about the last answer the classifier was unsure of."""
    words = normalise(text)
    if not words or len(words.split()) > 8 or not _POINTS_BACK.match(words):
        return None
    if intent in _UNSURE_READINGS or (intent == "faq" and sections_too_close):
        return "followup_more"
    return None


def bare_followup(text: str) -> str | None:
    """``followup_plain``/``followup_more``/``followup_item`` for a bare follow-up, else None."""
    words = normalise(text)
    if not words or len(words.split()) > 6:
        return None
    if words in _PLAIN:
        return "followup_plain"
    if words in _MORE:
        return "followup_more"
    if words in _GO_ON:
        return "affirm"
    if _ITEM.match(words):
        return "followup_item"
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ConversationGate(GraphComponent):
    """Set ``other_language`` and bare follow-up intents (before the safety override)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # the classifier's next guess, when its "other language" guess is dropped, must be at
        # least as sure as the FallbackClassifier asks of any guess (config.yml)
        return {"fallback_threshold": 0.35}

    def __init__(self, config: Dict[str, Any] | None = None) -> None:
        self._fallback_threshold = float(
            {**self.get_default_config(), **(config or {})}["fallback_threshold"]
        )

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConversationGate:
        return cls(config)

    def _take_next_guess(self, message: Message) -> None:
        """The classifier's next intent instead of its ``other_language`` guess."""
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != OTHER_LANGUAGE
        ]
        best = dict(ranking[0]) if ranking else {}
        if float(best.get(PREDICTED_CONFIDENCE_KEY) or 0) < self._fallback_threshold:
            best = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: self._fallback_threshold}
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = None
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if is_other_language(text):
                intent = OTHER_LANGUAGE
            elif current == OTHER_LANGUAGE and not has_foreign_sign(text):
                self._take_next_guess(message)
                current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
                intent = (
                    request_reading(text, current)
                    or bare_followup(text)
                    or pointing_back(text, current, False)
                )
            elif delete_command(text, current):
                intent = "delete_chat"
            else:
                intent = (
                    privacy_reading(text, current)
                    or request_reading(text, current)
                    or bare_followup(text)
                    or pointing_back(text, current, bool(message.get(CLARIFY_KEY)))
                )
            if intent is not None:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
        return messages
