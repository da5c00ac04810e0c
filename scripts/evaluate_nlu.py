"""Held-out evaluation of a trained model on tests/nlu/heldout.yml.

Runs every held-out message through the whole trained NLU pipeline (the
classifier, the response selector, the confidence gate and the fallback) and
compares the section it lands on with the label. Two figures:

- classifier: the intent, and for ``faq``/``not_on_page`` the selected answer,
  straight from the model; a message that falls back counts as wrong;
- answered: what the visitor gets. A message that falls back goes to the page
  retrieval (assistant/page_search.py) as it does in conversation, and counts as
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
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.nlu import load_examples, predicted_label, quiet_logging, summarise  # noqa: E402


def retrieved_label(text: str) -> str:
    from assistant.page_search import best_section

    match = best_section(text)
    return f"faq/{match[0]}" if match else "page_doesnt_say"


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
