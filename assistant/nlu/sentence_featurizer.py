"""Sentence-level meaning for the classifiers: all-MiniLM-L6-v2 embeddings as dense features.

Word and character n-grams only know the words they were trained on; this adds
one 384-dimensional sentence embedding per message (``assistant.embeddings``),
so the intent classifier (the safety routes included) and the response selector
can reach phrasings nobody wrote. The encoder is loaded once per process and
shared with every other component that asks for it; a message costs a NumPy
forward pass of a few milliseconds.

Only sentence features are produced (no per-token sequence features): the
classifiers here use the message as a whole and no entities are extracted.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.embeddings import DEFAULT_PATH, DIMENSION, SentenceEncoder, get_encoder

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the sentence embedding of each message's text as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "model": DEFAULT_PATH}

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._path = str(config["model"])
        self._encoder: SentenceEncoder | None = None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        featurizer = cls(config, execution_context.node_name)
        featurizer.encoder  # load at start-up, not on a visitor's first message  # noqa: B018
        return featurizer

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """The model folder must be named; its files are checked when the encoder loads."""
        if not str(config.get("model") or "").strip():
            raise ValueError("SentenceEmbeddingFeaturizer needs `model`: the folder `make minilm` builds")

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = get_encoder(self._path)
        return self._encoder

    def _featurize(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        try:
            vector = self.encoder.encode(str(text))
        except Exception as error:  # noqa: BLE001 - the safety patterns must still run
            # A zero vector keeps the rest of the NLU pipeline (and the safety layer) working;
            # only the class of the error is logged, never the text.
            logger.error("sentence embedding failed (%s); using a zero vector", type(error).__name__)
            vector = np.zeros(DIMENSION, dtype=np.float32)
        message.add_features(
            Features(np.expand_dims(vector, 0), FEATURE_TYPE_SENTENCE, TEXT, self._identifier)
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._featurize(message)
        return training_data
