"""BM25 retrieval over the page passages."""

from __future__ import annotations

import pytest

from assistant.knowledge import BM25Index
from assistant.page_search import best_section


def simple(text: str) -> list[str]:
    return text.lower().split()


def test_bm25_ranks_the_document_with_the_rare_term_first() -> None:
    index = BM25Index(
        [("a", "apps and chat and apps"), ("b", "sleep and exercise"), ("c", "chat rooms")], simple
    )
    ranked = index.scores("sleep")
    assert ranked[0][0] == "b" and ranked[0][1] > 0
    assert index.scores("unrelated")[0][1] == 0


def test_bm25_best_respects_the_threshold() -> None:
    index = BM25Index([("a", "dopamine reward"), ("b", "trust partner")], simple)
    assert index.best("dopamine", threshold=0.1)[0] == "a"
    assert index.best("dopamine", threshold=100.0) is None
    assert index.best("", threshold=0.0) is None


@pytest.mark.parametrize(
    "question, section",
    [
        ("which therapies like CBT or IFS are used", "approaches"),
        ("the seeking and satisfaction circuits thing", "neuroscience"),
        ("sleep exercise routine and mood", "focus_lifestyle"),
        ("erectile dysfunction page", "related_pages"),
        ("rebuild trust and openness with my partner", "focus_relational"),
    ],
)
def test_retrieval_finds_the_right_section(question: str, section: str) -> None:
    match = best_section(question)
    assert match is not None and match[0] == section


@pytest.mark.parametrize("question", ["what's the weather in Leeds", "asdfgh", "who won the match"])
def test_retrieval_does_not_answer_off_page_questions(question: str) -> None:
    assert best_section(question) is None
