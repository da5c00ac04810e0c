"""Send unsure page answers to the retrieval fallback instead of guessing.

Runs after the ResponseSelector. When the predicted intent is a retrieval intent
(``faq``, ``not_on_page``) but the selector's confidence in the chosen answer is
below ``threshold``, the intent becomes ``nlu_fallback``; the rule for that runs
``action_answer_from_page`` (BM25 over the page), which answers only above its
own measured threshold and otherwise says honestly that the page doesn't say.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

FALLBACK_INTENT = "nlu_fallback"


def selector_confidence(message: Message, retrieval_intent: str) -> float | None:
    """Confidence of the selected answer for ``retrieval_intent``, if the selector ran."""
    selector = message.get("response_selector") or {}
    for key in (retrieval_intent, "default"):
        response = (selector.get(key) or {}).get("response") or {}
        if response.get("confidence") is not None:
            return float(response["confidence"])
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RetrievalConfidenceGate(GraphComponent):
    """Downgrade low-confidence retrieval answers to ``nlu_fallback``."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"threshold": 0.5, "retrieval_intents": ["faq", "not_on_page"]}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._threshold = float(config["threshold"])
        self._intents = set(config["retrieval_intents"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RetrievalConfidenceGate:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            if name not in self._intents:
                continue
            confidence = selector_confidence(message, name)
            if confidence is not None and confidence < self._threshold:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence},
                    add_to_output=True,
                )
        return messages
