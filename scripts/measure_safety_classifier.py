"""Measure a safety classifier of its own against the shared intent classifier (README, "Safety").

Trains a logistic regression on the NLU training data to tell the five safety routes from
everything else (assistant/evaluation/safety_classifier.py) and prints, per group of safety
sets, recall per route and full false alarms on look-alikes and concern-tier messages, for
each threshold, with and without the sentence embeddings and with and without the patterns.
The regression set is ``messages.yml``; the sets named with ``--unseen`` are reported on
their own (sets nobody tuned on); every other set in tests/safety/ is a tuning set.

Usage: python scripts/measure_safety_classifier.py [--unseen blind_g.yml] [--thresholds 0.5 0.6 0.7]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import safety_classifier as sc  # noqa: E402


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--unseen", nargs="*", default=["blind_g.yml"])
    parser.add_argument("--thresholds", nargs="+", type=float, default=[0.5, 0.6, 0.7])
    parser.add_argument("--report", default="reports/safety_classifier.json")
    args = parser.parse_args(argv)

    from assistant.embeddings import get_encoder
    from assistant.language import load_pipeline
    from assistant.safety.detector import SafetyDetector
    from assistant.settings import DEFAULT_SPACY_MODEL

    texts, labels = sc.training_examples(ROOT / "data" / "nlu")
    paths = sorted(p for p in (ROOT / "tests" / "safety").glob("*.yml") if p.name != "conversations.yml")
    messages = sc.labelled_messages(paths)
    group = {p.name: "unseen" if p.name in args.unseen else "tuning" for p in paths}
    group["messages.yml"] = "regression"
    detector = SafetyDetector(load_pipeline(DEFAULT_SPACY_MODEL))
    patterns = []
    for message in messages:
        found = detector.detect(message.text)
        patterns.append(
            min(found.routes, key=sc.ROUTES.index) if found is not None and found.routes else None
        )
    encoder = get_encoder()
    embed = (encoder.encode_many(texts), encoder.encode_many([m.text for m in messages]))

    report: Dict[str, Dict[str, Dict[str, float]]] = {
        "patterns only": sc.by_group(messages, [p or sc.NONE for p in patterns], group)
    }
    for name, features in (("n-grams", None), ("n-grams + embeddings", embed)):
        probabilities = sc.route_probabilities(texts, labels, [m.text for m in messages], features)
        for threshold in args.thresholds:
            routed = sc.routes_at(probabilities, threshold)
            report[f"{name} at {threshold}"] = sc.by_group(messages, routed, group)
            report[f"{name} at {threshold} + patterns"] = sc.by_group(
                messages, sc.with_patterns(routed, patterns), group
            )
    for row, groups in report.items():
        cells = []
        for name, scores in groups.items():
            recall = " ".join(f"{r[:5]} {100 * scores.get(r, 0):.0f}" for r in sc.ROUTES)
            cells.append(
                f"{name}: all {100 * scores.get('all', 0):.1f} ({recall}), false alarms look-alikes "
                f"{100 * scores.get('lookalike_false_alarm', 0):.1f}, concern {100 * scores.get('concern_false_alarm', 0):.1f}"
            )
        print(f"{row}\n  " + "\n  ".join(cells))
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
