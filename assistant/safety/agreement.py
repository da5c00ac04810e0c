"""Where the patterns and the safety routes' own classifier must agree.

A pattern's route stands only where the classifier gives it some probability, except a crisis
and a stated age under 18, which always stand (a crisis pattern checked the same way lost
"I've been researching overdoses at night" from the regression set). Measured leaving each earlier blind
set out in turn (``scripts/measure_safety_classifier.py``, README "Safety"): fewer false
alarms and no fewer disclosures found, because a pattern's guess is often the wrong route
("videos" in an abuse disclosure read as sextortion) or a word out of its sense.
"""

from __future__ import annotations

from typing import Mapping, Set

from assistant.safety.detector import Detection


def unconfirmed_routes(
    detection: Detection | None,
    scores: Mapping[str, float] | None,
    threshold: float,
) -> Set[str]:
    """The routes of ``detection`` the classifier's ``scores`` do not bear out."""
    if detection is None or not scores:
        return set()
    unconfirmed = set()
    for route in detection.routes:
        if route == "crisis":
            continue
        if route == detection.route and detection.rule.endswith("-age"):
            continue  # "I'm 15": a stated age under 18, about the visitor
        if float(scores.get(route) or 0.0) < threshold:
            unconfirmed.add(route)
    return unconfirmed
