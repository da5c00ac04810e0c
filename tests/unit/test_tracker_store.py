"""Nothing of a child-protection disclosure is written to the tracker store."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.tracker_store import RedactingSQLTrackerStore


@pytest.mark.parametrize("intent", ["safety_child_content", "safety_crisis", "safety_abuse"])
def test_safety_turn_is_stored_without_its_words(tmp_path, intent: str) -> None:
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("visitor", slots=[])
    secret = "canary-words-of-the-disclosure"
    tracker.update(UserUttered("what is this about", intent={"name": "faq", "confidence": 0.9}))
    tracker.update(ActionExecuted("utter_faq"))
    tracker.update(
        UserUttered(secret, intent={"name": intent, "confidence": 1.0}, parse_data={"text": secret})
    )
    asyncio.run(store.save(tracker))

    with store.session_scope() as session:
        rows = [json.loads(r.data) for r in session.query(store.SQLEvent).all()]
    assert secret not in json.dumps(rows)
    user_rows = [r for r in rows if r["event"] == "user"]
    assert user_rows[0]["text"] == "what is this about"  # other turns are kept
    assert user_rows[1]["parse_data"]["intent"]["name"] == intent
