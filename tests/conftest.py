"""Shared fixtures: a dispatcher, a tracker factory, the project's domain and data."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.domain_files import domain_yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker_factory() -> Callable[..., Tracker]:
    def make(
        text: str = "",
        intent: str = "nlu_fallback",
        events: List[Dict[str, Any]] | None = None,
        slots: Dict[str, Any] | None = None,
    ) -> Tracker:
        latest = {"text": text, "intent": {"name": intent, "confidence": 0.4}}
        events = list(events or []) + [{"event": "user", "text": text, "parse_data": latest}]
        return Tracker(
            sender_id="test-sender",
            slots=slots or {},
            latest_message=latest,
            events=events,
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return make


@pytest.fixture(scope="session")
def domain_dict() -> Dict[str, Any]:
    return domain_yaml()


def all_responses() -> Dict[str, List[Dict[str, Any]]]:
    """Every response: the domain's and those in data/responses/."""
    responses = dict(domain_yaml()["responses"])
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return responses


def nlu_examples(path: Path) -> Dict[str, List[str]]:
    """Intent -> examples of a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: Dict[str, List[str]] = {}
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        lines = [x.strip()[2:].strip() for x in block["examples"].splitlines() if x.strip().startswith("- ")]
        out.setdefault(block["intent"], []).extend(lines)
    return out
