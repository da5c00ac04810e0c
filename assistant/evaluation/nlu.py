"""Held-out NLU evaluation: the labelled examples, the label a parse lands on, the summary.

Shared by ``scripts/evaluate_nlu.py`` (the gate in ``make test``), ``scripts/measure_retrieval.py``,
``scripts/latency.py`` and ``tests/harness/bench/workload.py`` (which read the same held-out questions), and
``scripts/evaluate_safety.py`` (the quiet logging).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import yaml


def load_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, label) for every example of a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def predicted_label(parse: Dict) -> str:
    """The label a parse lands on: the intent, or for page questions the answer selected."""
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent in ("faq", "not_on_page"):
        selector = (parse.get("response_selector") or {}).get("default") or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        return key or intent
    return intent


def quiet_logging() -> None:
    """Warnings only: Rasa's debug logs would echo every message parsed."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)


def summarise(results: List[Tuple[str, str, str, str]]) -> Dict:
    """Accuracies from (text, label, predicted, answered) rows, overall and per label."""
    section = [r for r in results if "/" in r[1]]
    other = [r for r in results if "/" not in r[1]]
    per_label: Dict[str, Counter] = defaultdict(Counter)
    for _, gold, _, answered in results:
        per_label[gold]["n"] += 1
        per_label[gold]["correct"] += int(gold == answered)

    def accuracy(rows: List, column: int) -> float:
        return sum(r[1] == r[column] for r in rows) / max(len(rows), 1)

    return {
        "section_accuracy": accuracy(section, 3),
        "section_classifier_accuracy": accuracy(section, 2),
        "section_n": len(section),
        "basics_accuracy": accuracy(other, 2),
        "basics_n": len(other),
        "per_label": {k: v["correct"] / v["n"] for k, v in sorted(per_label.items())},
        "errors": [{"expected": g, "predicted": p, "answered": a} for _, g, p, a in results if g != a],
    }
