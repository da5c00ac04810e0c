"""The spaCy pipeline: loaded once per process and shared, with the vectors' key table kept to
the lower-case words Rasa looks up."""

from __future__ import annotations

import numpy as np
import pytest
from spacy.strings import StringStore
from spacy.vectors import Vectors

from assistant.language import load_pipeline, lower_case_vectors
from assistant.nlu.spacy_nlp import SharedSpacyNLP
from assistant.settings import get_settings

TEXTS = (
    "I was lying awake texting strangers and felt ashamed afterwards",
    "My husband's OnlyFans subscriptions, is this an addiction?",
    "cant stop swiping on the apps at 3am lol",
)


def _pipeline() -> str:
    return str(get_settings().spacy_model)


def test_a_pipeline_is_loaded_once_per_process() -> None:
    assert load_pipeline(_pipeline()) is load_pipeline(_pipeline())


def test_rasas_two_spacy_nodes_and_the_safety_patterns_share_one_pipeline() -> None:
    first = SharedSpacyNLP.load_model(_pipeline())
    second = SharedSpacyNLP.load_model(_pipeline())
    assert first.model is second.model is load_pipeline(_pipeline())
    assert first.model_name == _pipeline()
    if first.model.vocab.vectors.shape[0] == 0:
        pytest.skip("built without word vectors (SPACY_VECTORS=0)")
    doc = first.model("awake texting strangers")
    assert all(token.has_vector for token in doc)


def test_the_built_vectors_are_found_for_lower_case_words_only() -> None:
    nlp = load_pipeline(_pipeline())
    if nlp.vocab.vectors.shape[0] == 0:
        pytest.skip("built without word vectors (SPACY_VECTORS=0)")
    for text in TEXTS:
        doc = nlp(text.lower())  # as Rasa's SpacyNLP passes it (case_sensitive: false)
        words = [t for t in doc if t.is_alpha and len(t) > 2]
        assert sum(t.has_vector for t in words) >= len(words) - 1


def test_lower_case_vectors_keep_the_rows_and_only_lower_case_keys() -> None:
    strings = StringStore()
    data = np.arange(12, dtype="float32").reshape(3, 4)
    full = Vectors(data=data, name="test")
    for word, row in (("apps", 0), ("Apps", 0), ("APPS", 0), ("lonely", 1), ("Lonely", 1), ("number", 2)):
        full.add(strings.add(word), row=row)
    kept = lower_case_vectors(full, ["apps", "Apps", "APPS", "lonely", "Lonely"])
    assert kept.shape == full.shape and np.array_equal(kept.data, full.data)
    assert set(kept.key2row) == {strings["apps"], strings["lonely"], strings["number"]}
    # "number" is one of spaCy's own symbols: a fixed id, in no string table, still kept.
    assert strings["number"] < 1000 and kept.key2row[strings["number"]] == 2
    assert kept[strings["lonely"]].tolist() == full[strings["Lonely"]].tolist()
