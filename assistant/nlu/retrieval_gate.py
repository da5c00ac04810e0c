"""Send unsure page answers to the retrieval fallback instead of guessing.

Runs after the ResponseSelector. When the predicted intent is a retrieval intent
(``faq``, ``not_on_page``) but the selector's confidence in the chosen answer is
below ``threshold``, the intent becomes ``nlu_fallback``; the rule for that runs
``action_answer_from_page`` (BM25 over the page), which answers only above its
own measured threshold and otherwise says honestly that the page doesn't say.

Between the two, when the best page answer is below ``clarify_below`` and the next
one is within ``clarify_margin`` of it, the message keeps its intent and gets
``clarify_sections`` (the two or three closest sections): the response generator
then asks "Did you mean ...?" with a button for each (assistant/nlg.py), instead of
guessing. Both values are measured (README, "How answers are chosen").

The selector is trained on every retrieval intent together, so for a message the classifier
read as a question about the chat's privacy, its top answer can belong to
another intent ("can Tim see what I'm writing?" answered with the page's silence on
availability). For the chat's privacy (``own_answers``) the answer is the best one of the
intent itself, set under the intent's own key, which Rasa's retrieval action reads first.
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
CLARIFY_KEY = "clarify_sections"
CLARIFY_INTENT = "faq"
MAX_CHOICES = 3


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
        return {
            "threshold": 0.5,
            "retrieval_intents": ["faq", "not_on_page"],
            "clarify_below": 0.0,  # 0: never ask
            "clarify_margin": 0.0,
            # Not "feeling": read as a feeling, a page question ("which apps does this cover?")
            # is better answered by the selector's page answer than by a feeling's.
            "own_answers": ["privacy"],
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._threshold = float(config["threshold"])
        self._intents = set(config["retrieval_intents"])
        self._clarify_below = float(config.get("clarify_below", 0.0))
        self._clarify_margin = float(config.get("clarify_margin", 0.0))
        self._own_answers = set(config.get("own_answers") or ())

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
            if name in self._own_answers:
                own = own_answer(message.get("response_selector") or {}, name)
                if own is not None:
                    selector = dict(message.get("response_selector") or {})
                    selector[name] = own
                    message.set("response_selector", selector, add_to_output=True)
            if name not in self._intents:
                continue
            confidence = selector_confidence(message, name)
            if confidence is not None and confidence < self._threshold:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence},
                    add_to_output=True,
                )
            elif name == CLARIFY_INTENT:
                choices = self.close_sections(message)
                if choices:
                    message.set(CLARIFY_KEY, choices, add_to_output=True)
        return messages

    def close_sections(self, message: Message) -> List[str]:
        """The sections too close to call (best first), or [] when the best answer is clear."""
        ranking = ranked_sections(message.get("response_selector") or {}, CLARIFY_INTENT)
        if len(ranking) < 2 or ranking[0][1] >= self._clarify_below:
            return []
        best = ranking[0][1]
        close = [section for section, score in ranking[:MAX_CHOICES] if best - score <= self._clarify_margin]
        return close if len(close) >= 2 else []


def ranked_sections(selector: Dict[str, Any], retrieval_intent: str) -> List[tuple[str, float]]:
    """A message's ``response_selector`` ranking restricted to ``retrieval_intent``:
    (section id, confidence), best first. Read by this gate and by the response generator."""
    for key in (retrieval_intent, "default"):
        ranking = (selector.get(key) or {}).get("ranking") or []
        if ranking:
            prefix = f"{retrieval_intent}/"
            found = [
                (str(entry["intent_response_key"])[len(prefix) :], float(entry["confidence"]))
                for entry in ranking
                if str(entry.get("intent_response_key", "")).startswith(prefix)
            ]
            return sorted(found, key=lambda pair: pair[1], reverse=True)
    return []


def own_answer(selector: Dict[str, Any], retrieval_intent: str) -> Dict[str, Any] | None:
    """The selector's output restricted to ``retrieval_intent`` (its best answer and ranking),
    or None when the top answer is already one of that intent's, or it has none."""
    chosen = (selector.get("default") or {}).get("response") or {}
    prefix = f"{retrieval_intent}/"
    if str(chosen.get("intent_response_key", "")).startswith(prefix) or retrieval_intent in selector:
        return None
    ranking = [
        entry
        for entry in (selector.get("default") or {}).get("ranking") or []
        if str(entry.get("intent_response_key", "")).startswith(prefix)
    ]
    if not ranking:
        return None
    best = max(ranking, key=lambda entry: float(entry.get("confidence") or 0.0))
    key = str(best["intent_response_key"])
    return {
        "response": {
            "responses": [],
            "confidence": float(best.get("confidence") or 0.0),
            "intent_response_key": key,
            "utter_action": f"utter_{key}",
        },
        "ranking": ranking,
    }
