"""Scripted multi-turn conversations over HTTP: follow-ups, feelings, privacy in any state, clarifying.

Each conversation in tests/conversations/regression.yml runs as a new visitor through the
REST channel; every turn's replies are recognised by their text
(assistant/evaluation/conversation.py) and must meet the turn's ``expect``. The blind sets in
the same folder are measured once by scripts/evaluate_conversation.py (README, "How
answers are chosen") and join this file only after that first run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests
import yaml

from assistant.evaluation.conversation import ReplyReader, run_conversation

SET = Path(__file__).resolve().parents[1] / "conversations" / "regression.yml"
CONVERSATIONS: List[Dict[str, Any]] = yaml.safe_load(SET.read_text(encoding="utf-8"))["conversations"]


@pytest.fixture(scope="module")
def reader() -> ReplyReader:
    return ReplyReader()


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_conversation(server: str, reader: ReplyReader, conversation: Dict[str, Any]) -> None:
    def send(sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return list(response.json())

    result = run_conversation(send, reader, conversation)
    failed = [
        f"{turn.user!r}: expected {turn.expect}, got {[f'{x.kind}:{x.name}' for x in turn.labels]}"
        for turn in result.turns
        if not turn.passed
    ]
    assert not failed, "\n".join(failed)
