"""Where the server tiers put what a person reads after a run (screenshots, axe reports)."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Config


def browser_results(fallback: Path) -> Path:
    """BROWSER_RESULTS_DIR (scripts/test.sh sets one under its TEST_OUT), else ``fallback``."""
    configured = Config().text("BROWSER_RESULTS_DIR")
    folder = Path(configured) if configured else fallback
    folder.mkdir(parents=True, exist_ok=True)
    return folder
