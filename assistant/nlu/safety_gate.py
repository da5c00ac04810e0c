"""Deterministic safety layer as a Rasa NLU graph component.

Runs last in the NLU pipeline. It passes every message through
``assistant.safety.detector.SafetyDetector`` (spaCy Matcher/PhraseMatcher
patterns on lower-cased lemmas) and combines it with the trained safety intents:

- the patterns fire: the intent becomes ``safety_<route>`` (confidence 1.0),
  whatever the classifier said (the patterns rank routes by urgency themselves);
- only the classifier fires: its most likely route routes the turn when its
  probability reaches the route's threshold (``crisis_threshold`` for crisis,
  lower because a missed crisis costs most; ``classifier_threshold`` for the
  rest) and the words are not an everyday idiom ("I'm dying to know", "my
  battery died") or a bare "what is ...?" question. Otherwise the next best
  non-safety intent is used (or ``nlu_fallback`` when that is too unsure).
  "The classifier" is the safety routes' own (``safety_scores``, set by
  ``assistant/nlu/safety_classifier.py``); a model without it falls back to the
  shared intent classifier's ranking.

Every other safety route the classifier sees on the same message (at
``secondary_threshold``) is flagged beside the chosen one (``safety_flags``), so
that "crisis plus anything" gets the other help in the same turn; under 18 is
flagged only by the patterns, because it blocks contact for the rest of the
conversation.

A signal too weak to route on (a safety intent at ``concern_threshold`` or
more, risk words inside an idiom, or a message classified ``feeling_low``) is
recorded as ``safety_concern``: the normal answer then gets one gentle check-in
line and the "Get help now" button (``assistant/nlg.py``), not the full response.

The spaCy pipeline is the one ``SharedSpacyNLP`` loaded for the rest of the NLU
pipeline (one copy per process, ``assistant/nlu/spacy_nlp.py``); ``model`` is only
used when the component runs on its own, as in the unit tests.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Set, Tuple

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

from assistant.language import load_pipeline
from assistant.nlu.safety_classifier import SAFETY_SCORES
from assistant.safety.agreement import unconfirmed_routes
from assistant.safety.detector import Detection, SafetyDetector
from assistant.safety.examples import CONCERN
from assistant.safety.routes import ROUTES, SAFETY_INTENTS

SAFETY_FLAGS = "safety_flags"
SAFETY_CONCERN = "safety_concern"
LOW_MOOD_INTENT = "feeling_low"
HELP_NOW_INTENT = "get_help_now"
HELP_NOW_TEXTS = frozenset({"get help now", "help now", "i need help now", "get help"})
# The domain's button payloads that stand for one intent: a click is never left to a
# classifier ("Send it" at the enquiry's last step, "No, keep it" after "delete my chat").
BUTTON_INTENTS: Dict[str, str] = {
    "get in touch": "contact",
    "reflect privately": "start_reflection",
    "send an enquiry": "start_enquiry",
    "send it": "affirm",
    "yes, i agree": "affirm",
    "yes, delete it": "affirm",
    "yes, let's begin": "affirm",
    "no, i don't agree": "deny",
    "no, keep it": "deny",
    # ... and the same answer typed
    "no keep it": "deny",
    "no, don't delete it": "deny",
    "no don't delete it": "deny",
    "don't delete it": "deny",
    "dont delete it": "deny",
    "no dont delete it": "deny",
    "not now": "deny",
    "show me the topics": "show_topics",
    "cancel": "stop",
    "stop the reflection": "stop",
    "skip": "skip",
    # The enquiry's "who is it about?" buttons: an answer, never a disclosure.
    "just me": "share_context",
    "me and my partner": "share_context",
    "i'm the partner of someone affected": "partner_concern",
    # Who is answering: never left to the classifier, where the follow-up "can Tim help
    # with this?" now pulls every short question that names Tim.
    "am i talking to tim?": "bot_challenge",
    "am i talking to tim": "bot_challenge",
    "is this tim?": "bot_challenge",
    "are you tim?": "bot_challenge",
    "are you a bot?": "bot_challenge",
    "are you a real person?": "bot_challenge",
    "is this a real person?": "bot_challenge",
    # The shortest typed answers, which a classifier trained on sentences reads badly ("me"
    # as stop, cancelling the enquiry; "no thanks" as nothing it knows).
    "me": "share_context",
    "myself": "share_context",
    "only me": "share_context",
    "just myself": "share_context",
    "it's just me": "share_context",
    "no thanks": "deny",
    "no thank you": "deny",
    "no, thanks": "deny",
    "no, thank you": "deny",
    "yes please": "affirm",
    "yes, please": "affirm",
}

# "Delete my chat" erases the whole conversation: the classifier alone may not read it into
# a message that names nothing to delete, or something else ("remove the times" at the
# enquiry's summary). It needs the chat itself, or a one-word request.
DELETE_CHAT_INTENT = "delete_chat"
_DELETE_CHAT_OBJECT = re.compile(
    r"\b(chat|chats|conversation|convo|messages?|history|transcript|everything|all|this|that|data|"
    r"what i (said|wrote|typed|told you)|record|records|it)\b"
)
_ONE_WORD_DELETE = frozenset({"delete", "erase", "forget", "delete it", "erase it"})


def names_the_chat(plain: str) -> bool:
    """Whether a message the classifier read as "delete my chat" names something it could mean."""
    return plain in _ONE_WORD_DELETE or bool(_DELETE_CHAT_OBJECT.search(plain))


def route_of(intent_name: str | None) -> str | None:
    """The safety route an intent stands for, if any."""
    return SAFETY_INTENTS.get(intent_name or "")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SharedSpacyNLP"
)
class SafetyOverride(GraphComponent):
    """Override the predicted intent when the safety patterns match."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "model": "var/spacy/en_pipeline",
            "crisis_threshold": 0.8,
            "shared_crisis_threshold": 0.8,
            "classifier_threshold": 0.9,
            "fallback_threshold": 0.4,
            "secondary_threshold": 0.2,
            "concern_threshold": 0.25,
            # A pattern's route stands only where the safety classifier gives it this much; a
            # crisis and a stated age under 18 always stand. What the classifier does not bear
            # out becomes a possible concern (a check-in).
            "pattern_threshold": 0.0,
            # The classifier's own possible-concern class, from this probability: a check-in.
            "concern_class_threshold": 0.5,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self._model = str(config["model"])
        self._crisis_threshold = float(config["crisis_threshold"])
        self._shared_crisis_threshold = float(config["shared_crisis_threshold"])
        self._classifier_threshold = float(config["classifier_threshold"])
        self._fallback_threshold = float(config["fallback_threshold"])
        self._secondary_threshold = float(config["secondary_threshold"])
        self._concern_threshold = float(config["concern_threshold"])
        self._pattern_threshold = float(config["pattern_threshold"])
        self._concern_class_threshold = float(config["concern_class_threshold"])
        self._detector: SafetyDetector | None = None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyOverride:
        return cls(config)

    @property
    def detector(self) -> SafetyDetector:
        if self._detector is None:
            self._detector = SafetyDetector(load_pipeline(self._model))
        return self._detector

    def process(self, messages: List[Message], model: Any = None) -> List[Message]:
        if self._detector is None and model is not None and getattr(model, "model", None) is not None:
            self._detector = SafetyDetector(model.model)  # SharedSpacyNLP's pipeline, not a second copy
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        plain = " ".join(text.lower().replace("\u2019", "'").split()).strip(" .!")
        if plain in HELP_NOW_TEXTS:
            # The "Get help now" button (and its typed form) is never left to a classifier.
            self._set(message, {INTENT_NAME_KEY: HELP_NOW_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0})
            return
        if plain in BUTTON_INTENTS:
            self._set(message, {INTENT_NAME_KEY: BUTTON_INTENTS[plain], PREDICTED_CONFIDENCE_KEY: 1.0})
            return
        detection = self.detector.detect(text) if text.strip() else None
        secondary = self._secondary_routes(message)
        classifier = self._classifier_route(message)
        explained_away = classifier is not None and self._explained_away(text, classifier)
        confident = classifier if classifier is not None and not explained_away else None
        found = set(detection.routes if detection is not None else ())
        unconfirmed = self._unconfirmed(message, detection)
        found -= unconfirmed
        if confident is not None and (not found or confident == "crisis"):
            found.add(confident)  # beside the patterns, the classifier adds only a crisis
        if found:
            # The most urgent of what the patterns found and what the classifier is sure of:
            # "they'll post my nudes and I won't be around to see it" is a crisis first.
            route = min(found, key=ROUTES.index)
            self._set(message, {INTENT_NAME_KEY: f"safety_{route}", PREDICTED_CONFIDENCE_KEY: 1.0})
            # Every route found, so that "I'm 16 and I want to die" (answered as crisis)
            # still marks the visitor as under 18 for the rest of the conversation.
            flags = [r for r in ROUTES if r in found or r in secondary]
            if len(flags) > 1 or detection is not None:
                message.set(SAFETY_FLAGS, flags, add_to_output=True)
            return
        concern = classifier if explained_away else self._concern(message)
        if concern is None and unconfirmed:
            concern = min(unconfirmed, key=ROUTES.index)
        if route_of((message.get(INTENT) or {}).get(INTENT_NAME_KEY)):
            self._set(message, self._best_other_intent(message))
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == DELETE_CHAT_INTENT and not names_the_chat(
            plain
        ):
            self._set(message, self._best_other_intent(message, skip=DELETE_CHAT_INTENT))
        if concern is None and (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == LOW_MOOD_INTENT:
            concern = "crisis"
        if concern is not None:
            message.set(SAFETY_CONCERN, concern, add_to_output=True)

    def _explained_away(self, text: str, route: str) -> bool:
        """The words don't bear out a classifier-only route. A crisis is explained away only by an
        everyday idiom ("I'm dying to know"), never by the form of a question ("what is the most
        painless way..."); what is explained away is still a possible concern (a check-in)."""
        if not self.detector.has_known_words(text):
            return True  # nothing the classifier could have read: a check-in, not the full response
        if route == "crisis":
            return self.detector.is_idiom(text, route)
        return self.detector.explains_away(text, route)

    @staticmethod
    def _route_scores(message: Message) -> List[Tuple[str, float]]:
        """(route, probability), most likely first: from the safety routes' own classifier
        (``safety_scores``), or from the shared intent ranking when the model has none."""
        scores = message.get(SAFETY_SCORES)
        if scores:
            pairs = [(route, float(scores.get(route) or 0.0)) for route in ROUTES]
        else:
            pairs = [
                (route, float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0))
                for ranked in message.get(INTENT_RANKING_KEY) or []
                if (route := route_of(ranked.get(INTENT_NAME_KEY))) is not None
            ]
        return sorted(pairs, key=lambda pair: -pair[1])

    def _secondary_routes(self, message: Message) -> List[str]:
        """Safety routes the classifier gives some weight to (never under 18: that needs the patterns)."""
        return [
            route
            for route, score in self._route_scores(message)
            if route != "under_18" and score >= self._secondary_threshold
        ]

    def _unconfirmed(self, message: Message, detection: Detection | None) -> Set[str]:
        """The patterns' routes the safety classifier does not bear out (a check-in instead)."""
        if detection is None:
            return set()
        denied = "crisis" in detection.routes and self.detector.denies_crisis(message.get(TEXT) or "")
        return unconfirmed_routes(detection, message.get(SAFETY_SCORES), self._pattern_threshold, denied)

    def _concern(self, message: Message) -> str | None:
        """The most urgent safety route with a signal too weak to route on, if any; or, when
        the classifier reads the message as the possible-concern tier, its likeliest route."""
        ranked = self._route_scores(message)
        weak = [route for route, score in ranked if score >= self._concern_threshold]
        if weak:
            return min(weak, key=ROUTES.index)
        scores = message.get(SAFETY_SCORES) or {}
        if float(scores.get(CONCERN) or 0.0) >= self._concern_class_threshold:
            return ranked[0][0] if ranked and ranked[0][1] > 0 else "crisis"
        return None

    def _classifier_route(self, message: Message) -> str | None:
        """The classifier's top safety route, if it is confident enough to route on its own; or a
        crisis the shared intent classifier is sure of (``shared_crisis_threshold``), which the
        safety classifier's crisis threshold alone would miss (blind set H: 83.7% v 90.8%)."""
        for route, score in self._route_scores(message)[:1]:
            threshold = self._crisis_threshold if route == "crisis" else self._classifier_threshold
            if score >= threshold:
                return route
        if message.get(SAFETY_SCORES):
            for ranked in message.get(INTENT_RANKING_KEY) or []:
                if route_of(ranked.get(INTENT_NAME_KEY)) == "crisis":
                    if float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0) >= self._shared_crisis_threshold:
                        return "crisis"
        return None

    def _best_other_intent(self, message: Message, skip: str = "") -> Dict[str, Any]:
        """The best intent that is not a safety route (nor ``skip``), or ``nlu_fallback`` if it is
        too unsure."""
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            name = ranked.get(INTENT_NAME_KEY)
            if route_of(name) is None and name not in ("nlu_fallback", skip):
                if float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0) >= self._fallback_threshold:
                    return dict(ranked)
                break
        return {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: self._fallback_threshold}

    @staticmethod
    def _set(message: Message, intent: Dict[str, Any]) -> None:
        ranking = [intent] + [
            r
            for r in message.get(INTENT_RANKING_KEY) or []
            if r.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
