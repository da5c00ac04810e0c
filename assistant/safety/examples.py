"""Labelled safety messages: the files of ``data/safety/`` and of ``tests/safety/``.

Each file holds ``messages``, each with its ``route`` (one of the five, or ``none``), the
taxonomy's ``cue`` (``docs/safety.md``; ``concern.*`` for the possible-concern tier,
``lookalike.*`` for a harmless look-alike) and the ``text``. The sets in ``data/safety/`` were
each written blind by a different writer, run once as an unseen set (their first runs are in
the README), and then became training data for the safety routes' own classifier; the sets in
``tests/safety/`` are never trained on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List

import yaml

NONE = "none"
# The possible-concern tier (hopelessness without intent, a row of sad emoji, a past attempt,
# safe now) is a class of its own for the classifier: neither a route nor nothing.
CONCERN = "concern"


@dataclass(frozen=True)
class Labelled:
    set_name: str
    route: str
    cue: str
    text: str

    @property
    def training_label(self) -> str:
        """The route, ``concern`` for the possible-concern tier, else ``none``."""
        if self.route == NONE and self.cue.startswith("concern"):
            return CONCERN
        return self.route


def set_files(directory: Path) -> List[Path]:
    return sorted(directory.glob("*.yml")) if directory.is_dir() else []


def labelled_messages(paths: Iterable[Path]) -> List[Labelled]:
    return [
        Labelled(path.name, str(m["route"]), str(m.get("cue", "")), str(m["text"]))
        for path in paths
        for m in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages", [])
    ]


def fingerprint(directory: Path) -> str:
    """Changes whenever a set file in ``directory`` is added, removed or edited."""
    digest = hashlib.sha256()
    for path in set_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
