"""After a disclosure, over HTTP: the scripted conversations of tests/safety/conversations.yml."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from tests.e2e.conftest import conversation
from tests.e2e.safety_script import CONVERSATIONS, run


@pytest.mark.parametrize("script", CONVERSATIONS, ids=lambda c: c["name"][:60])
def test_the_conversation_stays_with_the_visitor(server: str, script: Dict[str, Any]) -> None:
    problems = run(conversation(server), script)
    assert not problems, f"{script['name']}: {problems}"


def test_there_are_enough_scripted_conversations() -> None:
    assert len(CONVERSATIONS) >= 30
    assert all(2 <= len(c["turns"]) <= 4 for c in CONVERSATIONS)
