"""What the chat keeps and who sees it: the statements of ``settings/privacy.yml``, rendered.

One source for every sentence about the chat's own privacy. The response generator
(:mod:`assistant.nlg`) offers each statement to responses as ``{privacy_<key>}``; the
widget holds ``footer`` and ``reload`` word for word (``tests/unit/test_privacy_statements.py``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping

import yaml

from assistant.settings import PROJECT_ROOT

PRIVACY_FILE = PROJECT_ROOT / "settings" / "privacy.yml"
# The placeholders a statement may use; anything else is a mistake in the file.
ALLOWED_PLACEHOLDERS = ("therapist", "retention_months")


@lru_cache(maxsize=2)
def raw_statements(path: Path = PRIVACY_FILE) -> Dict[str, str]:
    """The statements as written, whitespace folded, keyed by name."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    statements = data.get("statements") or {}
    if not statements:
        raise ValueError(f"no statements in {path}")
    return {str(key): " ".join(str(value).split()) for key, value in statements.items()}


def render_statements(values: Mapping[str, str], path: Path = PRIVACY_FILE) -> Dict[str, str]:
    """Every statement with its placeholders filled from ``values``."""
    fill = {name: values[name] for name in ALLOWED_PLACEHOLDERS}
    return {key: text.format(**fill) for key, text in raw_statements(path).items()}


def privacy_placeholders(values: Mapping[str, str]) -> Dict[str, str]:
    """``{privacy_<key>: statement}`` for the response templates."""
    return {f"privacy_{key}": text for key, text in render_statements(values).items()}
