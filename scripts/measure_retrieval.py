"""Measure the page search's BM25 threshold on the held-out set.

For each threshold: how many page questions it answers, how many of those with
the right section, and how many messages that are not page questions (the other
intents and the questions the page does not answer) it would wrongly answer.
The threshold in assistant/knowledge.py (DEFAULT_THRESHOLD) was chosen from
this table: high precision first, since the search only runs when the
classifiers are unsure.

Usage: python scripts/measure_retrieval.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.nlu import load_examples  # noqa: E402
from assistant.page_search import _index  # noqa: E402
from assistant.settings import get_settings  # noqa: E402


def main() -> int:
    settings = get_settings()
    index = _index(str(settings.knowledge_file), str(settings.spacy_model))
    rows = [(label, *index.scores(text)[0]) for text, label in load_examples(ROOT / "tests/nlu/heldout.yml")]
    page = [r for r in rows if r[0].startswith("faq/")]
    other = [r for r in rows if not r[0].startswith("faq/")]
    print("threshold  answered  correct  precision  wrongly-answered-other")
    for threshold in (0, 1, 2, 3, 4, 5, 6):
        answered = [r for r in page if r[2] >= threshold and r[2] > 0]
        correct = sum(1 for label, best, _ in answered if label == f"faq/{best}")
        false = sum(1 for r in other if r[2] >= threshold and r[2] > 0)
        precision = correct / len(answered) if answered else 0.0
        print(
            f"{threshold:>9}  {len(answered):>4}/{len(page):<4} {correct:>7}  {precision:>9.0%}  {false:>5}/{len(other)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
