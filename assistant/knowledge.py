"""The page's knowledge (data/knowledge/page.yml) and BM25 retrieval over its passages."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

# Measured with scripts/measure_retrieval.py on tests/nlu/heldout.yml: the BM25
# score above which the best passage is shown (README, "How answers are chosen").
DEFAULT_THRESHOLD = 4.0


@dataclass(frozen=True)
class Item:
    """One entry of a list a section gives (a focus area, a therapy), for "the second one"."""

    name: str
    aliases: Tuple[str, ...] = ()
    section: str = ""  # the section that explains it, if any
    text: str = ""  # else a short explanation of its own


@dataclass(frozen=True)
class Section:
    """One part of the page, restated in the project's words."""

    id: str
    title: str
    heading: str
    anchor: str
    answer: str
    key_points: Tuple[str, ...]
    next_question: str
    # The first reply, in several wordings (``answer`` when none are given).
    short: Tuple[str, ...] = ()
    # "What do you mean?": the same in plain words; "tell me more": what the first reply left out.
    plain: str = ""
    more: str = ""
    items: Tuple[Item, ...] = ()
    # The question a "Do you mean ...?" button sends for this section.
    ask: str = ""

    @property
    def passage(self) -> str:
        """The text retrieval searches: title, answer and key points."""
        return " ".join((self.title, self.answer, *self.key_points))


@dataclass(frozen=True)
class Knowledge:
    """All sections of the page and the questions the page leaves open."""

    sections: Tuple[Section, ...]
    not_on_page: Dict[str, str]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


def _fold(text: str) -> str:
    return " ".join(str(text).split())


def load_knowledge(path: Path) -> Knowledge:
    """Read and check the knowledge file."""
    with Path(path).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    sections = tuple(
        Section(
            id=item["id"],
            title=item["title"],
            heading=item["heading"],
            anchor=item["anchor"],
            answer=" ".join(item["answer"].split()),
            key_points=tuple(item.get("key_points") or ()),
            next_question=item.get("next_question", ""),
            short=tuple(_fold(text) for text in item.get("short") or ()) or (_fold(item["answer"]),),
            plain=_fold(item.get("plain", "")),
            more=_fold(item.get("more", "")),
            items=tuple(
                Item(
                    name=entry["name"],
                    aliases=tuple(str(alias).lower() for alias in entry.get("aliases") or ()),
                    section=entry.get("section", ""),
                    text=_fold(entry.get("text", "")),
                )
                for entry in item.get("items") or ()
            ),
            ask=item.get("ask", "") or item["title"],
        )
        for item in raw["sections"]
    )
    ids = [section.id for section in sections]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate section ids in {path}")
    not_on_page = {item["id"]: item["asks"] for item in raw.get("not_on_page") or ()}
    return Knowledge(sections=sections, not_on_page=not_on_page)


Analyzer = Callable[[str], List[str]]


class BM25Index:
    """Okapi BM25 over analysed passages (k1=1.5, b=0.75); tiny corpus, all in memory."""

    def __init__(
        self,
        documents: Sequence[Tuple[str, str]],
        analyzer: Analyzer,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> None:
        self._analyzer = analyzer
        self._k1 = k1
        self._b = b
        self._ids = [doc_id for doc_id, _ in documents]
        self._tfs = [Counter(analyzer(text)) for _, text in documents]
        self._lengths = [sum(tf.values()) for tf in self._tfs]
        self._avg_length = sum(self._lengths) / max(len(self._lengths), 1)
        df: Counter = Counter()
        for tf in self._tfs:
            df.update(tf.keys())
        n = len(documents)
        self._idf = {term: math.log(1 + (n - freq + 0.5) / (freq + 0.5)) for term, freq in df.items()}

    def scores(self, query: str) -> List[Tuple[str, float]]:
        """Every document with its score for ``query``, best first."""
        terms = self._analyzer(query)
        results = []
        for doc_id, tf, length in zip(self._ids, self._tfs, self._lengths, strict=True):
            score = 0.0
            for term in terms:
                freq = tf.get(term, 0)
                if not freq:
                    continue
                norm = self._k1 * (1 - self._b + self._b * length / self._avg_length)
                score += self._idf[term] * freq * (self._k1 + 1) / (freq + norm)
            results.append((doc_id, score))
        results.sort(key=lambda item: item[1], reverse=True)
        return results

    def best(self, query: str, threshold: float) -> Tuple[str, float] | None:
        """The best document if its score reaches ``threshold``, else ``None``."""
        ranked = self.scores(query)
        if ranked and ranked[0][1] >= threshold and ranked[0][1] > 0:
            return ranked[0]
        return None


def build_index(knowledge: Knowledge, analyzer: Analyzer) -> BM25Index:
    """Index every section's passage."""
    return BM25Index([(s.id, s.passage) for s in knowledge.sections], analyzer)
