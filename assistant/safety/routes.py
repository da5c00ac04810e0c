"""The safety routes, in priority order, and the intent that stands for each: defined once."""

from __future__ import annotations

from typing import Dict, Tuple

ROUTES: Tuple[str, ...] = ("crisis", "under_18", "child_content", "sextortion", "abuse")
SAFETY_INTENTS: Dict[str, str] = {f"safety_{route}": route for route in ROUTES}
