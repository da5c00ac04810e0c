"""The sentence-embedding featurizer adds one 384-dimensional sentence feature per message."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.embeddings import DEFAULT_PATH
from assistant.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer
from tests.conftest import ROOT


@pytest.fixture
def featurizer(tmp_path) -> SentenceEmbeddingFeaturizer:  # type: ignore[no-untyped-def]
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "model": str(ROOT / DEFAULT_PATH)}
    SentenceEmbeddingFeaturizer.validate_config(config)
    return SentenceEmbeddingFeaturizer.create(
        config, LocalModelStorage(tmp_path), Resource("sentence"), ExecutionContext({}, node_name="sentence")
    )


def test_messages_get_one_dense_sentence_feature(featurizer: SentenceEmbeddingFeaturizer) -> None:
    (message,) = featurizer.process([Message(data={"text": "I keep going back to the apps"})])
    sequence, sentence = message.get_dense_features("text")
    assert sequence is None
    assert sentence is not None and sentence.features.shape == (1, 384)
    assert abs(float(np.linalg.norm(sentence.features)) - 1.0) < 1e-5


def test_training_examples_are_featurized_and_empty_text_is_left_alone(
    featurizer: SentenceEmbeddingFeaturizer,
) -> None:
    data = TrainingData([Message(data={"text": "hello", "intent": "greet"}), Message(data={"intent": "x"})])
    featurizer.process_training_data(data)
    assert data.training_examples[0].get_dense_features("text")[1] is not None
    assert data.training_examples[1].get_dense_features("text")[1] is None


def test_a_missing_model_folder_is_a_config_error() -> None:
    with pytest.raises(ValueError):
        SentenceEmbeddingFeaturizer.validate_config({"model": ""})


def test_a_failing_encoder_gives_a_zero_vector_and_logs_no_text(featurizer, caplog) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        def encode(self, text: str) -> None:
            raise RuntimeError(text)

    featurizer._encoder = Broken()  # type: ignore[assignment]
    (message,) = featurizer.process([Message(data={"text": "canary words"})])
    assert not message.get_dense_features("text")[1].features.any()
    assert "canary" not in caplog.text
