"""Where the patterns and the safety routes' own classifier must agree.

A pattern's route stands only where the classifier gives it some probability, except a stated
age under 18, which always stands, and a crisis, which stands unless the message also denies
one ("not suicidal, just fed up") and the classifier gives it almost nothing (every crisis
pattern checked against the classifier lost "I've been researching overdoses at night" from
the regression set). Measured leaving each earlier blind
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
    denied_crisis: bool = False,
    denied_crisis_threshold: float = 0.15,
) -> Set[str]:
    """The routes of ``detection`` the classifier's ``scores`` do not bear out. A crisis stands
    unless the message denies one ("I'm not suicidal, just fed up") and the classifier gives a
    crisis less than ``denied_crisis_threshold``."""
    if detection is None or not scores:
        return set()
    unconfirmed = set()
    for route in detection.routes:
        if route == "crisis":
            if denied_crisis and float(scores.get(route) or 0.0) < denied_crisis_threshold:
                unconfirmed.add(route)
            continue
        if route == detection.route and detection.rule.endswith("-age"):
            continue  # "I'm 15": a stated age under 18, about the visitor
        if float(scores.get(route) or 0.0) < threshold:
            unconfirmed.add(route)
    return unconfirmed
