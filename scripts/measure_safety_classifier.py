"""Measure the safety routes' own classifier on sets it was not trained on (README, "Safety").

The labelled sets of ``data/safety/`` were each written blind by a different writer. Each is
left out in turn: the classifier (``assistant/safety/classifier.py``) is trained on the NLU
data, with or without every other set, and scored on the one left out, with the patterns
(``assistant/safety/detector.py``) checked against it as the assistant checks them
(``assistant/safety/agreement.py``). Prints recall per route and full false alarms on
look-alikes and on concern-tier messages, pooled over the sets left out, for each setting.

Usage: python scripts/measure_safety_classifier.py [--sets data/safety] [--report FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assistant.evaluation import safety_classifier as sc  # noqa: E402
from assistant.safety.agreement import unconfirmed_routes  # noqa: E402
from assistant.safety.examples import labelled_messages, set_files  # noqa: E402

# (crisis threshold, other routes, pattern threshold)
SETTINGS: List[Tuple[float, float, float]] = [
    (0.65, 0.7, 0.0),  # sessions 7-9: patterns always stand
    (0.5, 0.6, 0.0),
    (0.5, 0.6, 0.3),  # chosen
    (0.65, 0.7, 0.3),
]


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", default=str(ROOT / "data" / "safety"))
    parser.add_argument("--report", default="reports/safety_classifier.json")
    args = parser.parse_args(argv)

    from assistant.embeddings import get_encoder
    from assistant.language import load_pipeline
    from assistant.safety.detector import SafetyDetector
    from assistant.settings import DEFAULT_SPACY_MODEL

    texts, labels = sc.training_examples(ROOT / "data" / "nlu")
    messages = labelled_messages(set_files(Path(args.sets)))
    detector = SafetyDetector(load_pipeline(DEFAULT_SPACY_MODEL))
    detections = [detector.detect(m.text) for m in messages]
    encoder = get_encoder()
    nlu_vectors = encoder.encode_many(texts)
    set_vectors = encoder.encode_many([m.text for m in messages])

    probabilities: Dict[str, List[Dict[str, float]]] = {"NLU data only": [], "NLU data + the other sets": []}
    order: List[int] = []
    for held_out in sorted({m.set_name for m in messages}):
        test = [i for i, m in enumerate(messages) if m.set_name == held_out]
        rest = [i for i, m in enumerate(messages) if m.set_name != held_out]
        order += test
        for name, extra in (("NLU data only", []), ("NLU data + the other sets", rest)):
            train_texts = texts + [messages[i].text for i in extra]
            train_labels = labels + [messages[i].training_label for i in extra]
            train_vectors = np.vstack([nlu_vectors, set_vectors[extra]]) if extra else nlu_vectors
            probabilities[name] += sc.route_probabilities(
                train_texts,
                train_labels,
                [messages[i].text for i in test],
                (train_vectors, set_vectors[test]),
            )
        print(f"left out {held_out}", flush=True)

    pooled = [messages[i] for i in order]
    report: Dict[str, Dict[str, float]] = {}
    for name, rows in probabilities.items():
        for crisis, other, pattern in SETTINGS:
            routed = []
            for index, row in zip(order, rows, strict=True):
                best = max(sc.ROUTES, key=lambda route: row.get(route, 0.0))
                needed = crisis if best == "crisis" else other
                classifier = best if row.get(best, 0.0) >= needed else sc.NONE
                detection = detections[index]
                found = set(detection.routes) if detection is not None else set()
                found -= unconfirmed_routes(detection, row, pattern)
                if classifier != sc.NONE and (not found or classifier == "crisis"):
                    found.add(classifier)
                routed.append(min(found, key=sc.ROUTES.index) if found else sc.NONE)
            key = f"{name}; crisis {crisis}, others {other}; patterns need {pattern}"
            report[key] = sc.score(pooled, routed)
    for key, scores in report.items():
        recall = " ".join(f"{route} {100 * scores.get(route, 0):.1f}" for route in sc.ROUTES)
        print(
            f"{key}\n  all {100 * scores['all']:.1f} ({recall}); full false alarms: look-alikes "
            f"{100 * scores.get('lookalike_false_alarm', 0):.1f}, concern {100 * scores.get('concern_false_alarm', 0):.1f}"
        )
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
