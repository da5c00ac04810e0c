"""Deterministic safety layer as a Rasa NLU graph component.

Runs last in the NLU pipeline. It passes every message through
``assistant.safety.detector.SafetyDetector`` (spaCy Matcher/PhraseMatcher
patterns on lower-cased lemmas). When a route is found, the intent becomes
``safety_<route>`` with confidence 1.0, whatever the classifier predicted, so
either layer (the trained safety intents or these patterns) routes the turn.
When both fire on different routes, the higher-priority route wins.
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
        return {"model": "var/spacy/en_pipeline"}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._model = str(config["model"])
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
            if detection is None:
                continue
            predicted = route_of((message.get(INTENT) or {}).get(INTENT_NAME_KEY))
            if predicted is not None and ROUTES.index(predicted) <= ROUTES.index(detection.route):
                continue  # the classifier already chose this route or a more urgent one
            intent = {INTENT_NAME_KEY: f"safety_{detection.route}", PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [intent] + [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
