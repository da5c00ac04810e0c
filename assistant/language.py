"""The offline spaCy pipeline, loaded by path, and the lemma normalisation shared by every matcher."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List

import spacy
from spacy.language import Language


@lru_cache(maxsize=4)
def load_pipeline(path: str) -> Language:
    """Load the pipeline built by ``scripts/build_spacy.py`` (cached per path)."""
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
