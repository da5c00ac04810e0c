"""Deterministic safety layer as a Rasa NLU graph component.

Runs last in the NLU pipeline. It passes every message through
``assistant.safety.detector.SafetyDetector`` (spaCy Matcher/PhraseMatcher
patterns on lower-cased lemmas) and combines it with the trained safety intents:

- the patterns fire: the intent becomes ``safety_<route>`` (confidence 1.0),
  whatever the classifier said (the patterns rank routes by urgency themselves);
- only the classifier fires: its safety intent routes the turn when its
  confidence reaches the route's threshold (``crisis_threshold`` for crisis,
  lower because a missed crisis costs most; ``classifier_threshold`` for the
  rest) and the words are not an everyday idiom ("I'm dying to know", "my
  battery died") or a bare "what is ...?" question. Otherwise the next best
  non-safety intent is used (or ``nlu_fallback`` when that is too unsure).
"""

from __future__ import annotations

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

from assistant.language import load_pipeline
from assistant.safety.detector import SafetyDetector
from assistant.safety.routes import SAFETY_INTENTS

SAFETY_FLAGS = "safety_flags"


def route_of(intent_name: str | None) -> str | None:
    """The safety route an intent stands for, if any."""
    return SAFETY_INTENTS.get(intent_name or "")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent):
    """Override the predicted intent when the safety patterns match."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "model": "var/spacy/en_pipeline",
            "crisis_threshold": 0.8,
            "classifier_threshold": 0.9,
            "fallback_threshold": 0.4,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._model = str(config["model"])
        self._crisis_threshold = float(config["crisis_threshold"])
        self._classifier_threshold = float(config["classifier_threshold"])
        self._fallback_threshold = float(config["fallback_threshold"])
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

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detection = self.detector.detect(text) if text.strip() else None
            if detection is not None:
                self._set(
                    message, {INTENT_NAME_KEY: f"safety_{detection.route}", PREDICTED_CONFIDENCE_KEY: 1.0}
                )
                # Every route found, so that "I'm 16 and want to die" (answered as crisis)
                # still marks the visitor as under 18 for the rest of the conversation.
                message.set(SAFETY_FLAGS, list(detection.routes), add_to_output=True)
                continue
            classifier = self._classifier_route(message)
            if classifier is not None and self.detector.explains_away(text, classifier):
                classifier = None
            if classifier is not None:
                self._set(message, {INTENT_NAME_KEY: f"safety_{classifier}", PREDICTED_CONFIDENCE_KEY: 1.0})
            elif route_of((message.get(INTENT) or {}).get(INTENT_NAME_KEY)):
                self._set(message, self._best_other_intent(message))
        return messages

    def _classifier_route(self, message: Message) -> str | None:
        """The classifier's top safety route, if it is confident enough to route on its own."""
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            route = route_of(ranked.get(INTENT_NAME_KEY))
            if route is not None:
                threshold = self._crisis_threshold if route == "crisis" else self._classifier_threshold
                confident = float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0) >= threshold
                return route if confident else None
        return None

    def _best_other_intent(self, message: Message) -> Dict[str, Any]:
        """The best intent that is not a safety route, or ``nlu_fallback`` if it is too unsure."""
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            name = ranked.get(INTENT_NAME_KEY)
            if route_of(name) is None and name != "nlu_fallback":
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
