"""The offline spaCy pipeline, loaded once per process and shared by everything that needs it
(Rasa's featurizer, the safety patterns, the reflection's themes, the page search), and the
lemma normalisation shared by every matcher."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List

import spacy
from spacy.language import Language


def load_pipeline(path: str) -> Language:
    """Load the pipeline built by ``scripts/build_spacy.py``, once per process for each folder it
    resolves to: a relative and an absolute path share one copy, and re-pointing the
    ``en_pipeline`` link (``make spacy``) loads the other pipeline, not the cached one."""
    if not Path(path).is_dir():
        raise FileNotFoundError(f"spaCy pipeline not found at {path}; run `make spacy` to build it")
    return _load(str(Path(path).resolve()))


@lru_cache(maxsize=4)
def _load(folder: str) -> Language:
    return spacy.load(folder)


def content_lemmas(nlp: Language, text: str) -> List[str]:
    """Lower-cased lemmas of the words that carry meaning (no stop words, punctuation, numbers)."""
    return [
        token.lemma_.lower()
        for token in nlp(text.lower())
        if not (token.is_stop or token.is_punct or token.is_space or token.like_num) and token.lemma_.strip()
    ]
