"""Details typed into a form the visitor never finished are emptied once the conversation is idle."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from assistant.enquiries.tracker import ConversationStore
from assistant.enquiries.worker import ABANDONED_AFTER, sweep_abandoned_forms
from assistant.private_slots import PRIVATE_SLOTS
from tests.integration.support import TrackerDB


def add_slot(db: TrackerDB, sender: str, name: str, value: object, when: datetime) -> None:
    with sqlite3.connect(db.path) as connection:
        connection.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'slot', ?, ?)",
            (sender, when.timestamp(), json.dumps({"event": "slot", "name": name, "value": value})),
        )


def values(db: TrackerDB, sender: str) -> dict:
    with sqlite3.connect(db.path) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot'", (sender,)
        )
        return {json.loads(r[0])["name"]: json.loads(r[0])["value"] for r in rows}


def test_only_idle_conversations_lose_their_private_form_values(tracker: TrackerDB) -> None:
    now = datetime.now(timezone.utc)
    old, recent = now - timedelta(hours=3), now - timedelta(minutes=5)
    add_slot(tracker, "left-the-tab", "enquiry_email", "canary@example.com", old)
    add_slot(tracker, "left-the-tab", "is_minor", False, old)
    add_slot(tracker, "still-typing", "enquiry_email", "busy@example.com", recent)
    store = ConversationStore(tracker.url)
    try:
        changed = store.clear_abandoned_form_data(PRIVATE_SLOTS, now - ABANDONED_AFTER)
    finally:
        store.dispose()
    assert changed == 1
    assert values(tracker, "left-the-tab") == {"enquiry_email": None, "is_minor": False}
    assert values(tracker, "still-typing") == {"enquiry_email": "busy@example.com"}


def test_the_worker_sweep_uses_the_tracker_store(make_store, sqlite_url, tracker: TrackerDB) -> None:
    add_slot(
        tracker, "gone", "reflection_themes", ["loneliness"], datetime.now(timezone.utc) - timedelta(hours=2)
    )
    assert sweep_abandoned_forms(make_store(sqlite_url)) == 1
    assert values(tracker, "gone") == {"reflection_themes": None}
