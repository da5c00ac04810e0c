"""Keep only the sentence-level features for the classifiers that follow.

Rasa's featurizers give each message two kinds of features: one row per token
(sequence-level) and one for the whole message (sentence-level). DIET and the
ResponseSelector concatenate them along the sequence and read the label from the
sentence position; with no transformer layers (``number_of_transformer_layers: 0``, as
configured here) nothing mixes the positions, so the per-token rows never reach the
sentence position and no entities are extracted from them. They are still embedded at
every token in every training step, and their weights and optimiser state are held in
memory: most of the two classifiers' training time and a good share of their size, for
nothing the classifiers use (``rasa/utils/tensorflow/rasa_layers.py``,
``RasaSequenceLayer``, the ``_has_transformer`` branch).

This component sits after the last featurizer and replaces the message text's
sequence-level features with one placeholder row (a single zero: Rasa's sequence layer
insists on some sequence-level feature), in training and at run time alike. The sentence
position then reads exactly what it read before, through the same layers; only the work
and the weights for the per-token rows are gone. Other attributes (the intent and
response labels) are left as they are.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ORIGIN = "SentenceFeaturesOnly"


def _is_text_sequence(features: Features) -> bool:
    return features.type == FEATURE_TYPE_SEQUENCE and features.attribute == TEXT


def drop_sequence_features(messages: Iterable[Message]) -> None:
    """Replace the text's sequence-level features of ``messages`` with one zero, in place.

    The features are re-added through ``Message.add_features``, which resets the message's
    fingerprint: Rasa's training cache keys what follows on it, so a change here retrains
    the classifiers instead of restoring ones trained on other features."""
    for message in messages:
        if not any(_is_text_sequence(features) for features in message.features):
            continue
        kept = [f for f in message.features if not _is_text_sequence(f)]
        message.features = []
        for features in kept:
            message.add_features(features)
        message.add_features(
            Features(np.zeros((1, 1), dtype=np.float32), FEATURE_TYPE_SEQUENCE, TEXT, ORIGIN)
        )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceFeaturesOnly(GraphComponent):
    """Drops the per-token features the classifiers without transformer layers never read."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceFeaturesOnly:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        drop_sequence_features(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        drop_sequence_features(training_data.training_examples)
        return training_data
