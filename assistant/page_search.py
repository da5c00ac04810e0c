"""Service layer for the page retrieval: loads the pipeline and the index once, lazily."""

from __future__ import annotations

from functools import lru_cache
from typing import Tuple

from assistant.knowledge import DEFAULT_THRESHOLD, BM25Index, build_index, load_knowledge
from assistant.language import content_lemmas, load_pipeline
from assistant.settings import Settings, get_settings


@lru_cache(maxsize=1)
def _index(knowledge_file: str, spacy_model: str) -> BM25Index:
    nlp = load_pipeline(spacy_model)
    knowledge = load_knowledge(knowledge_file)
    return build_index(knowledge, lambda text: content_lemmas(nlp, text))


def best_section(text: str, settings: Settings | None = None) -> Tuple[str, float] | None:
    """The id and score of the page section that best answers ``text``, if good enough."""
    settings = settings or get_settings()
    threshold = (
        settings.retrieval_threshold if settings.retrieval_threshold is not None else DEFAULT_THRESHOLD
    )
    index = _index(str(settings.knowledge_file), str(settings.spacy_model))
    return index.best(text, threshold)
