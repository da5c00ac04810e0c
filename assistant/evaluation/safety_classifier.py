"""Would a safety classifier of its own route better than the shared intent classifier?

A measurement, not part of the assistant: a multinomial logistic regression trained only to
tell the five safety routes from everything else, on the NLU training data (every
``safety_<route>`` intent is its route, every other intent is ``none``), over word 1-2-gram
and character 2-5-gram TF-IDF and, optionally, the all-MiniLM-L6-v2 sentence embedding
(``assistant/safety/classifier.py``, the classifier the assistant trains). A message routes when its best route's probability reaches
the threshold; "+ patterns" adds the deterministic layer (``assistant/safety/detector.py``).
Scored like ``scripts/evaluate_safety.py``: recall per route on disclosures, full-response
false alarms on look-alikes and, separately, on concern-tier messages.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import yaml

from assistant.safety.classifier import NONE, RouteClassifier, label_of
from assistant.safety.examples import Labelled, labelled_messages  # noqa: F401 - used by the scripts
from assistant.safety.routes import ROUTES

_ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def training_examples(nlu_dir: Path) -> Tuple[List[str], List[str]]:
    """(texts, labels) from every NLU file: the route of a ``safety_<route>`` intent, else none."""
    texts: List[str] = []
    labels: List[str] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in item:
                continue
            route = label_of(str(item["intent"]))
            for line in str(item.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(_ENTITY.sub(r"\1", line[2:].strip()))
                    labels.append(route)
    return texts, labels


def route_probabilities(
    train: Sequence[str],
    labels: Sequence[str],
    test: Sequence[str],
    embed: Tuple[np.ndarray, np.ndarray] | None = None,
) -> List[Dict[str, float]]:
    """Each test message's probability per route (``none`` included), from the classifier the
    assistant trains (``assistant/safety/classifier.py``), with or without the embeddings."""
    classifier = RouteClassifier.fit(train, labels, embed[0] if embed is not None else None)
    return classifier.predict(test, embed[1] if embed is not None else None)


def routes_at(probabilities: Sequence[Dict[str, float]], threshold: float) -> List[str]:
    routed = []
    for row in probabilities:
        best = max(ROUTES, key=lambda route: row.get(route, 0.0))
        routed.append(best if row.get(best, 0.0) >= threshold else NONE)
    return routed


def with_patterns(routed: Sequence[str], patterns: Sequence[str | None]) -> List[str]:
    """The patterns' route where they fire, the classifier's elsewhere; a crisis from either leads."""
    out = []
    for classifier, pattern in zip(routed, patterns, strict=True):
        out.append("crisis" if "crisis" in (classifier, pattern) else pattern or classifier)
    return out


def score(messages: Sequence[Labelled], routed: Sequence[str]) -> Dict[str, float]:
    """Recall per route and overall; full false alarms on look-alikes and on concern-tier messages."""
    counts: Counter[str] = Counter()
    for message, route in zip(messages, routed, strict=True):
        if message.route == NONE:
            kind = "concern" if message.cue.startswith("concern") else "lookalike"
            counts[f"{kind}_n"] += 1
            counts[f"{kind}_alarm"] += route != NONE
        else:
            for key in (message.route, "all"):
                counts[f"{key}_n"] += 1
                counts[f"{key}_hit"] += route == message.route
    result = {
        key: counts[f"{key}_hit"] / counts[f"{key}_n"] for key in (*ROUTES, "all") if counts[f"{key}_n"]
    }
    for kind in ("lookalike", "concern"):
        if counts[f"{kind}_n"]:
            result[f"{kind}_false_alarm"] = counts[f"{kind}_alarm"] / counts[f"{kind}_n"]
    return result


def by_group(
    messages: Sequence[Labelled], routed: Sequence[str], group: Dict[str, str]
) -> Dict[str, Dict[str, float]]:
    """Scores per group of sets (``group`` maps a set's file name to its group)."""
    members: Dict[str, List[int]] = defaultdict(list)
    for index, message in enumerate(messages):
        members[group.get(message.set_name, "other")].append(index)
    return {
        name: score([messages[i] for i in indices], [routed[i] for i in indices])
        for name, indices in sorted(members.items())
    }
