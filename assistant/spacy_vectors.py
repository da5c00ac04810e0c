"""The word vectors' key table, kept to what Rasa looks up (used by ``scripts/build_spacy.py``).

Rasa's ``SpacyNLP`` lower-cases text before spaCy sees it (``case_sensitive: false``, its
default), so only the keys of lower-case words are ever looked up; and a vector is found by
its word's key, so the strings themselves need not be kept. en_core_web_md maps 685k keys onto
its 20k rows; 343k of them are lower-case words.
"""

from __future__ import annotations

from typing import Iterable

from spacy.strings import StringStore
from spacy.symbols import IDS
from spacy.vectors import Vectors


def lower_case_vectors(vectors: Vectors, words: Iterable[str]) -> Vectors:
    """The same rows, reached only from the keys of the lower-case ``words`` and of spaCy's own
    symbols ("number", "root": fixed ids, in no string table)."""
    scratch = StringStore()  # a word's key: its hash, or its fixed id for spaCy's symbols
    lower = {scratch.add(word) for word in set(words) | set(IDS) if word == word.lower()}
    kept = Vectors(data=vectors.data, name=vectors.name)
    for key, row in vectors.key2row.items():
        if key in lower:
            kept.add(key, row=row)
    return kept
