"""Held-out evaluation of a trained model on tests/nlu/heldout.yml.

Runs every held-out message through the whole trained NLU pipeline (the
classifier, the response selector, the confidence gate and the fallback) and
compares the section it lands on with the label. Two figures:

- classifier: the intent, and for ``faq``/``not_on_page`` the selected answer,
  straight from the model; a message that falls back counts as wrong;
- answered: what the visitor gets. A message that falls back goes to the page
  retrieval (actions/page_search.py) as it does in conversation, and counts as
  correct if the retrieval picks the labelled section.

Prints both, writes them to reports/, and exits 1 when the answered section
accuracy is below --min.

Usage: python scripts/evaluate_nlu.py [--model models/assistant.tar.gz] [--min 0.9]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_examples(path: Path) -> List[Tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def predicted_label(parse: Dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent in ("faq", "not_on_page"):
        selector = (parse.get("response_selector") or {}).get("default") or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        return key or intent
    return intent


def retrieved_label(text: str) -> str:
    from actions.page_search import best_section

    match = best_section(text)
    return f"faq/{match[0]}" if match else "page_doesnt_say"


def quiet_logging() -> None:
    """Warnings only: Rasa's debug logs would echo every message parsed."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)


async def evaluate(model: Path, examples: List[Tuple[str, str]]) -> List[Tuple[str, str, str, str]]:
    from rasa.core.agent import Agent

    quiet_logging()
    agent = Agent.load(str(model))
    results = []
    for text, label in examples:
        predicted = predicted_label(await agent.parse_message(text))
        answered = retrieved_label(text) if predicted == "nlu_fallback" else predicted
        results.append((text, label, predicted, answered))
    return results


def summarise(results: List[Tuple[str, str, str, str]]) -> Dict:
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


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/assistant.tar.gz")
    parser.add_argument("--data", default="tests/nlu/heldout.yml")
    parser.add_argument("--min", type=float, default=0.9)
    parser.add_argument("--report", default="reports/nlu_heldout.json")
    args = parser.parse_args(argv)

    examples = load_examples(ROOT / args.data)
    summary = summarise(asyncio.run(evaluate(ROOT / args.model, examples)))
    report = ROOT / args.report
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(summary, indent=2), encoding="utf-8")

    for error in summary["errors"]:
        print(
            f"  miss: expected {error['expected']:<28} "
            f"classifier {error['predicted']:<28} answered {error['answered']}"
        )
    print(
        f"held-out section accuracy: {summary['section_accuracy']:.1%} answered "
        f"({summary['section_classifier_accuracy']:.1%} by the classifier alone, "
        f"n={summary['section_n']}); other intents: {summary['basics_accuracy']:.1%} "
        f"(n={summary['basics_n']}); report: {args.report}"
    )
    if summary["section_accuracy"] < args.min:
        print(f"FAILED: section accuracy below {args.min:.0%}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
