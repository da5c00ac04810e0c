"""The safety routes' own classifier as a Rasa NLU component (``assistant/safety/classifier.py``).

Trained with the rest of the model on the same examples (every ``safety_<route>`` intent is
its route, every other intent ``none``) and on the labelled safety sets of ``examples``
(``data/safety/``: earlier blind sets, each by a different writer, each run once before it was
trained on; the possible-concern tier is a class of its own). Those sets are read by this
component only, so they never crowd the shared intent classifier, and they are part of its
fingerprint, so editing them retrains this component and nothing else. Each message gets ``safety_scores``, the probability
of each route; the safety override (``assistant/nlu/safety_gate.py``), which runs last, routes
on them instead of on the shared intent classifier's ranking. The sentence embedding is the
one ``SentenceEmbeddingFeaturizer`` already added to the message (no second forward pass).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.embeddings import DIMENSION
from assistant.safety.classifier import RouteClassifier, label_of
from assistant.safety.examples import fingerprint, labelled_messages, set_files

logger = logging.getLogger(__name__)

SAFETY_SCORES = "safety_scores"
_EMBEDDING_ORIGIN = "SentenceEmbeddingFeaturizer"


def sentence_embedding(message: Message) -> np.ndarray:
    """The message's all-MiniLM-L6-v2 sentence feature, or zeros if it has none."""
    for features in message.features:
        if (
            features.attribute == TEXT
            and features.type == FEATURE_TYPE_SENTENCE
            and features.is_dense()
            and _EMBEDDING_ORIGIN in str(features.origin)
        ):
            vector = np.asarray(features.features, dtype=np.float32).reshape(-1)
            if vector.shape[0] == DIMENSION:
                return vector
    return np.zeros(DIMENSION, dtype=np.float32)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyRouteClassifier(GraphComponent):
    """Sets ``safety_scores`` (route -> probability) on every message."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # A folder of labelled safety sets (relative to where training runs), or "" for none.
        return {"examples": ""}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        folder = config.get("examples") or ""
        return fingerprint(Path(folder)) if folder else None

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        classifier: RouteClassifier | None = None,
        examples: str = "",
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier
        self._examples = examples

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyRouteClassifier:
        return cls(model_storage, resource, examples=str(config.get("examples") or ""))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        texts = [str(m.get(TEXT)) for m in examples]
        labels = [label_of(str(m.get(INTENT))) for m in examples]
        embeddings = np.stack([sentence_embedding(m) for m in examples]) if examples else None
        sets = labelled_messages(set_files(Path(self._examples))) if self._examples else []
        if sets:
            from assistant.embeddings import get_encoder

            texts += [m.text for m in sets]
            labels += [m.training_label for m in sets]
            encoded = get_encoder().encode_many(m.text for m in sets)
            embeddings = encoded if embeddings is None else np.vstack([embeddings, encoded])
        self._classifier = RouteClassifier.fit(texts, labels, embeddings)
        with self._model_storage.write_to(self._resource) as directory:
            self._classifier.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyRouteClassifier:
        with model_storage.read_from(resource) as directory:
            return cls(model_storage, resource, RouteClassifier.load(directory))

    def process(self, messages: List[Message]) -> List[Message]:
        if self._classifier is None:
            return messages
        texts = [message.get(TEXT) or "" for message in messages]
        embeddings = np.stack([sentence_embedding(message) for message in messages]) if messages else None
        try:
            scores = self._classifier.predict(texts, embeddings)
        except Exception as error:  # noqa: BLE001 - the patterns and the shared classifier still route
            logger.error("safety classifier failed (%s)", type(error).__name__)
            return messages
        for message, score in zip(messages, scores, strict=True):
            if message.get(TEXT):
                message.set(SAFETY_SCORES, score, add_to_output=True)
        return messages
