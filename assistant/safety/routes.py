"""The safety routes, in priority order, and the intent that stands for each: defined once."""

from __future__ import annotations

from typing import Dict, Tuple

ROUTES: Tuple[str, ...] = ("crisis", "under_18", "child_content", "sextortion", "abuse")
SAFETY_INTENTS: Dict[str, str] = {f"safety_{route}": route for route in ROUTES}


# Recorded on a reply that carried a possible-concern check-in line (assistant.nlg): the flag,
# and which route's line it was. Words of no one; kept even on private replies.
CHECK_IN_KEY = "check_in"
CHECK_IN_ROUTE_KEY = "check_in_route"
