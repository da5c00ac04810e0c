"""Deterministic safety layer as a Rasa NLU graph component.

Runs last in the NLU pipeline. It passes every message through
``assistant.safety.detector.SafetyDetector`` (spaCy Matcher/PhraseMatcher
patterns on lower-cased lemmas) and combines it with the trained safety intents:

- the patterns fire: the intent becomes ``safety_<route>`` (confidence 1.0),
  whatever the classifier said, except that a confident classifier ``crisis``
  is kept, crisis being the most urgent route;
- only the classifier fires: its safety intent routes the turn when its
  confidence reaches ``classifier_threshold``; below that it is not trusted on
  its own and the next best non-safety intent is used instead (or
  ``nlu_fallback`` when that is too unsure).
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
from assistant.safety.detector import ROUTES, SafetyDetector

SAFETY_INTENTS = {f"safety_{route}": route for route in ROUTES}


def route_of(intent_name: str | None) -> str | None:
    """The safety route an intent stands for, if any."""
    return SAFETY_INTENTS.get(intent_name or "")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent):
    """Override the predicted intent when the safety patterns match."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"model": "var/spacy/en_pipeline", "classifier_threshold": 0.9, "fallback_threshold": 0.4}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._model = str(config["model"])
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
            classifier = self._classifier_route(message)
            if detection is not None:
                route = "crisis" if classifier == "crisis" else detection.route
                self._set(message, {INTENT_NAME_KEY: f"safety_{route}", PREDICTED_CONFIDENCE_KEY: 1.0})
            elif classifier is None and route_of((message.get(INTENT) or {}).get(INTENT_NAME_KEY)):
                self._set(message, self._best_other_intent(message))
        return messages

    def _classifier_route(self, message: Message) -> str | None:
        """The classifier's top safety route, if it is confident enough to route on its own."""
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            route = route_of(ranked.get(INTENT_NAME_KEY))
            if route is not None:
                confident = float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0) >= self._classifier_threshold
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
