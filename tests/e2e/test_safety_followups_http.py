"""After a disclosure, over HTTP: the scripted conversations of tests/safety/conversations.yml."""

from __future__ import annotations

from tests.e2e.conftest import conversation
from tests.e2e.safety_script import CONVERSATIONS, MIN_OPENINGS, OPENING_MISSED, run


def test_after_a_recognised_disclosure_the_conversation_stays_with_the_visitor(server: str) -> None:
    results = {script["name"]: run(conversation(server), script) for script in CONVERSATIONS}
    missed = [name for name, problems in results.items() if problems == [OPENING_MISSED]]
    wrong = {
        name: problems for name, problems in results.items() if problems and problems != [OPENING_MISSED]
    }
    recognised = 1 - len(missed) / len(results)
    print(f"openings recognised: {recognised:.0%} ({len(results) - len(missed)} of {len(results)})")
    assert not wrong, wrong
    assert recognised >= MIN_OPENINGS, missed


def test_there_are_enough_scripted_conversations() -> None:
    assert len(CONVERSATIONS) >= 30
    assert all(2 <= len(c["turns"]) <= 4 for c in CONVERSATIONS)
