"""The domain folder: domain/ loads as one domain, and every intent the data uses is declared."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, List, Set

import pytest
import yaml
from rasa.shared.core.domain import Domain

from assistant.domain_files import DOMAIN_DIR, domain_files, domain_yaml
from assistant.settings import PROJECT_ROOT

# The files whose rules, stories and NLU examples name intents.
USED_IN = [PROJECT_ROOT / "data", PROJECT_ROOT / "tests" / "stories"]
CAPABILITIES = {"shared", "page", "safety", "reflection", "enquiry", "privacy"}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN_DIR))


def test_the_domain_is_the_folder_one_file_per_capability() -> None:
    assert {path.stem for path in domain_files()} == CAPABILITIES
    # Rasa trains with `-d domain`; a domain.yml beside it would be read by nothing.
    assert not (PROJECT_ROOT / "domain.yml").exists()
    # A file with no domain key would be skipped by Rasa without a word.
    for path in domain_files():
        assert Domain.is_domain_file(path), path


def test_rasa_merges_the_files_into_everything_they_declare(domain: Domain) -> None:
    merged = domain_yaml()  # raises if a name is declared in two files
    assert set(merged["intents"]) <= set(domain.intents)
    assert set(merged["responses"]) == set(domain.responses)
    assert set(merged["slots"]) <= {slot.name for slot in domain.slots}
    assert set(merged["forms"]) == set(domain.forms)
    assert set(merged["actions"]) <= set(domain.action_names_or_texts)
    assert domain.session_config.session_expiration_time == 60
    assert domain.session_config.carry_over_slots is False


def _intents(node: Any) -> Iterator[str]:
    """Every ``intent:`` value in a rule, story or NLU item, or nested in one (``or:``)."""
    if isinstance(node, dict):
        value = node.get("intent")
        if isinstance(value, str):
            yield value
        for child in node.values():
            yield from _intents(child)
    elif isinstance(node, list):
        for child in node:
            yield from _intents(child)


def _used_intents() -> Set[str]:
    used: Set[str] = set()
    for folder in USED_IN:
        for path in sorted(folder.rglob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key in ("nlu", "rules", "stories"):
                # faq/overview is the retrieval intent faq
                used.update(name.split("/")[0] for name in _intents(data.get(key) or []))
    return used


def test_every_intent_used_in_the_data_and_the_stories_is_declared(domain: Domain) -> None:
    used = _used_intents()
    assert {"faq", "greet", "delete_chat", "safety_crisis", "start_reflection", "start_enquiry"} <= used
    assert sorted(used - set(domain.intents)) == []


def _from_text_exits() -> List[List[str]]:
    return [
        mapping.get("not_intent")
        for slot in domain_yaml()["slots"].values()
        for mapping in slot.get("mappings", [])
        if mapping.get("type") == "from_text"
    ]


def test_every_form_answer_leaves_on_the_same_intents(domain: Domain) -> None:
    # Written once per file with an anchor (&form_exits): the files must not drift apart.
    exits = _from_text_exits()
    assert exits
    assert all(e == exits[0] for e in exits)
    assert {"stop", "goodbye", "delete_chat", "get_help_now", "safety_crisis"} <= set(exits[0])
    assert set(exits[0]) <= set(domain.intents)


@pytest.mark.parametrize("path", domain_files(), ids=lambda p: Path(p).name)
def test_each_file_writes_its_exit_list_at_most_once(path: Path) -> None:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    written = [
        line for line in lines if line.startswith("not_intent:") and not line.startswith("not_intent: *")
    ]
    assert len(written) <= 1
