"""Only sentence-level features reach the classifiers: the text's per-token rows become one zero."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse
import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.sentence_features import ORIGIN, SentenceFeaturesOnly
from tests.conftest import ROOT


def featurised(text: str = "I keep going back to the apps", tokens: int = 7) -> Message:
    message = Message(data={"text": text, "intent": "faq"})
    message.add_features(Features(np.ones((tokens, 300)), FEATURE_TYPE_SEQUENCE, "text", "spacy"))
    message.add_features(Features(np.ones((1, 300)), FEATURE_TYPE_SENTENCE, "text", "spacy"))
    sparse = scipy.sparse.coo_matrix(np.eye(tokens, 50))
    message.add_features(Features(sparse, FEATURE_TYPE_SEQUENCE, "text", "counts"))
    message.add_features(
        Features(scipy.sparse.coo_matrix(np.ones((1, 50))), FEATURE_TYPE_SENTENCE, "text", "counts")
    )
    message.add_features(
        Features(scipy.sparse.coo_matrix(np.ones((1, 3))), FEATURE_TYPE_SEQUENCE, "intent", "counts")
    )
    return message


def component(tmp_path: Path) -> SentenceFeaturesOnly:
    return SentenceFeaturesOnly.create(
        {}, LocalModelStorage(tmp_path), Resource("only"), ExecutionContext({}, node_name="only")
    )


def test_the_text_keeps_its_sentence_features_and_one_zero_for_its_tokens(tmp_path: Path) -> None:
    message = featurised()
    sentence_before = [f.features for f in message.features if f.type == FEATURE_TYPE_SENTENCE]
    (out,) = component(tmp_path).process([message])
    text_sequence = [f for f in out.features if f.attribute == "text" and f.type == FEATURE_TYPE_SEQUENCE]
    assert len(text_sequence) == 1
    assert text_sequence[0].origin == ORIGIN and text_sequence[0].features.shape == (1, 1)
    assert not text_sequence[0].features.any()
    sentence_after = [f.features for f in out.features if f.type == FEATURE_TYPE_SENTENCE]
    assert len(sentence_after) == len(sentence_before) == 2
    # the labels' features are not the text's: left alone
    assert [f.origin for f in out.features if f.attribute == "intent"] == ["counts"]


def test_the_message_fingerprint_follows_the_change(tmp_path: Path) -> None:
    """Rasa's training cache keys the classifiers on the messages' fingerprints."""
    message = featurised()
    before = message.fingerprint()
    component(tmp_path).process([message])
    after = message.fingerprint()
    message._cached_fingerprint = None  # what a fresh computation gives
    assert after != before and after == message.fingerprint()


def test_training_data_the_same_way_and_twice_changes_nothing(tmp_path: Path) -> None:
    data = TrainingData([featurised(), featurised("hi", 1), Message(data={"intent": "x"})])
    only = component(tmp_path)
    only.process_training_data(data)
    once = [[(f.type, f.attribute, f.origin) for f in m.features] for m in data.training_examples]
    only.process_training_data(data)
    assert [[(f.type, f.attribute, f.origin) for f in m.features] for m in data.training_examples] == once
    assert once[2] == []


def test_it_runs_after_the_last_featurizer_and_before_the_classifiers() -> None:
    names = [
        str(c["name"]).rsplit(".", 1)[-1]
        for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    ]
    position = names.index("SentenceFeaturesOnly")
    featurizers = [i for i, name in enumerate(names) if name.endswith("Featurizer")]
    assert featurizers and max(featurizers) < position < names.index("DIETClassifier")
    assert names.index("DIETClassifier") < names.index("ResponseSelector")
    # a classifier that reads per-token features needs them: none of that kind here
    assert "LexicalSyntacticFeaturizer" not in names
    diet = next(
        c
        for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
        if c["name"] == "DIETClassifier"
    )
    assert diet["number_of_transformer_layers"] == 0 and diet["entity_recognition"] is False
    selector = next(
        c
        for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
        if c["name"] == "ResponseSelector"
    )
    assert selector["number_of_transformer_layers"] == 0
