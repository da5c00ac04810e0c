"""The offline spaCy pipeline, loaded by path once per process and shared by everything that
needs it (Rasa's featurizer, the safety patterns, the reflection's themes, the page search),
the lemma normalisation shared by every matcher, and the pruning of the word vectors' key table
(``scripts/build_spacy.py``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, List

import spacy
from spacy.language import Language
from spacy.strings import StringStore
from spacy.symbols import IDS
from spacy.vectors import Vectors


@lru_cache(maxsize=4)
def load_pipeline(path: str) -> Language:
    """Load the pipeline built by ``scripts/build_spacy.py`` (once per process for each path)."""
    if not Path(path).is_dir():
        raise FileNotFoundError(f"spaCy pipeline not found at {path}; run `make spacy` to build it")
    return spacy.load(path)


def content_lemmas(nlp: Language, text: str) -> List[str]:
    """Lower-cased lemmas of the words that carry meaning (no stop words, punctuation, numbers)."""
    return [
        token.lemma_.lower()
        for token in nlp(text.lower())
        if not (token.is_stop or token.is_punct or token.is_space or token.like_num) and token.lemma_.strip()
    ]


def lower_case_vectors(vectors: Vectors, words: Iterable[str]) -> Vectors:
    """The same rows, reached only from the keys of the lower-case ``words`` and of spaCy's own
    symbols ("number", "root": fixed ids, in no string table). Rasa's ``SpacyNLP`` lower-cases
    text before spaCy sees it (``case_sensitive: false``), so no other key is ever looked up;
    a vector is found by its word's key, so the strings themselves need not be kept."""
    scratch = StringStore()  # a word's key: its hash, or its fixed id for spaCy's symbols
    lower = {scratch.add(word) for word in set(words) | set(IDS) if word == word.lower()}
    kept = Vectors(data=vectors.data, name=vectors.name)
    for key, row in vectors.key2row.items():
        if key in lower:
            kept.add(key, row=row)
    return kept
