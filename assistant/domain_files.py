"""The domain's files: ``domain/``, one file per capability, merged by Rasa (``-d domain``).

``shared.yml`` holds the session settings and the conversation basics; ``page.yml``,
``safety.yml``, ``reflection.yml``, ``enquiry.yml`` and ``privacy.yml`` each hold one
capability's intents, slots, forms, actions and responses. Here they are read as plain YAML,
without Rasa, for the checks and the conversation scorer; Rasa itself loads the folder with
``Domain.load("domain")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

from assistant.settings import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "domain"
RESPONSES_DIR = PROJECT_ROOT / "data" / "responses"


def domain_files() -> List[Path]:
    """The domain's files, in name order."""
    return sorted(DOMAIN_DIR.glob("*.yml"))


def response_files() -> List[Path]:
    """Every file with responses: the domain's and the retrieval responses in data/responses/."""
    return [*domain_files(), *sorted(RESPONSES_DIR.glob("*.yml"))]


def domain_yaml() -> Dict[str, Any]:
    """The domain's files merged as plain YAML: lists joined, mappings united.

    A name declared in two files (an intent, slot, form, action or response) is an error
    here, where Rasa would only warn and keep one of them.
    """
    merged: Dict[str, Any] = {}
    for path in domain_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if isinstance(value, list):
                known = merged.setdefault(key, [])
                twice = sorted(set(map(str, known)) & set(map(str, value)))
                if twice:
                    raise ValueError(f"{path.name}: {key} declared in another file too: {twice}")
                known.extend(value)
            elif isinstance(value, dict) and key != "session_config":
                known_map = merged.setdefault(key, {})
                twice = sorted(set(known_map) & set(value))
                if twice:
                    raise ValueError(f"{path.name}: {key} declared in another file too: {twice}")
                known_map.update(value)
            elif key in merged and merged[key] != value:
                raise ValueError(f"{path.name}: {key} differs from another file's")
            else:
                merged[key] = value
    return merged
