"""One way to change stored conversations: assistant/conversation_store.py.

Rasa appends events to its ``events`` table; erasing a conversation and emptying private slot
values are done by the functions of assistant/conversation_store.py, which the enquiry tools
(assistant/enquiries/tracker.py: admin erase and purge, the worker's sweep) use, and which the
tracker store can call on its own session's connection with the same result as its own code.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
from datetime import datetime, timedelta, timezone

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.tracker_store import RedactingSQLTrackerStore
from tests.conftest import ROOT

SLOTS = {
    "enquiry_email": {"type": "text", "mappings": [{"type": "custom"}]},
    "enquiry_name": {"type": "text", "mappings": [{"type": "custom"}]},
    "topic": {"type": "text", "mappings": [{"type": "custom"}]},
}


def _store(tmp_path, name: str) -> RedactingSQLTrackerStore:
    """Rasa's own schema, written by Rasa, in a fresh SQLite file."""
    return RedactingSQLTrackerStore(
        Domain.from_dict({"slots": SLOTS}), dialect="sqlite", db=str(tmp_path / name)
    )


def _conversations() -> list:
    trackers = []
    for sender in ("visitor-a", "visitor-b"):
        tracker = DialogueStateTracker(sender, slots=[])
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("hello", intent={"name": "greet", "confidence": 1.0}))
        tracker.update(SlotSet("enquiry_email", f"{sender}@example.com"))
        tracker.update(SlotSet("enquiry_name", "Sam"))
        tracker.update(SlotSet("topic", "dating apps"))
        trackers.append(tracker)
    return trackers


def _fill(*stores: RedactingSQLTrackerStore) -> None:
    """The same conversations, timestamps included, into each store."""
    trackers = _conversations()
    for store in stores:
        for tracker in trackers:
            asyncio.run(store.save(tracker))


def _rows(store: RedactingSQLTrackerStore) -> list:
    with store.session_scope() as session:
        return [
            (r.sender_id, r.type_name, json.loads(r.data))
            for r in session.query(store.SQLEvent).order_by(store.SQLEvent.id)
        ]


def test_emptying_slot_values_matches_the_tracker_store(tmp_path) -> None:
    from assistant.conversation_store import empty_slot_values

    ours, rasas = _store(tmp_path, "ours.db"), _store(tmp_path, "rasas.db")
    _fill(ours, rasas)
    slots = {"enquiry_email", "enquiry_name"}
    with ours.session_scope() as session:  # what the tracker store would do on its own session
        changed = empty_slot_values(session.connection(), ["visitor-a"], slots)
        session.commit()
    assert changed == rasas.erase_slot_values("visitor-a", slots) == 2
    assert _rows(ours) == _rows(rasas)
    kept = {(s, d["name"]): d["value"] for s, t, d in _rows(ours) if t == "slot"}
    assert kept[("visitor-a", "enquiry_email")] is None and kept[("visitor-a", "topic")] == "dating apps"
    assert kept[("visitor-b", "enquiry_email")] == "visitor-b@example.com"


def test_deleting_conversations_matches_the_tracker_store(tmp_path) -> None:
    from assistant.conversation_store import count_events, delete_conversations

    ours, rasas = _store(tmp_path, "ours.db"), _store(tmp_path, "rasas.db")
    _fill(ours, rasas)
    with ours.session_scope() as session:
        assert count_events(session.connection(), ["visitor-a", "nobody"]) == 5
        deleted = delete_conversations(session.connection(), ["visitor-a", "nobody"])
        session.commit()
    assert deleted == rasas.delete_conversation("visitor-a") == 5
    assert _rows(ours) == _rows(rasas)
    assert {s for s, _, _ in _rows(ours)} == {"visitor-b"}


def test_idle_conversations_are_found_by_their_latest_event(tmp_path) -> None:
    from assistant.conversation_store import senders_idle_since

    store = _store(tmp_path, "t.db")
    _fill(store)
    with store.session_scope() as session:
        future = datetime.now(timezone.utc) + timedelta(hours=1)
        assert sorted(senders_idle_since(session.connection(), future)) == ["visitor-a", "visitor-b"]
        assert senders_idle_since(session.connection(), future - timedelta(days=1)) == []


def test_many_conversations_at_once(tmp_path) -> None:
    """Sender lists longer than one IN (...) batch."""
    from assistant.conversation_store import delete_conversations

    store = _store(tmp_path, "t.db")
    _fill(store)
    with store.session_scope() as session:
        ids = [f"nobody-{n}" for n in range(1200)] + ["visitor-b"]
        assert delete_conversations(session.connection(), ids) == 5
        session.commit()


WRITE_VERBS = ("DELETE FROM", "UPDATE ", "INSERT INTO")
CORE_WRITE = re.compile(r"\b(delete|update|insert)\(\s*EVENTS\b")


def _writes_events(path) -> bool:
    """The module changes the events table: SQL text naming it, SQLAlchemy Core on it, or ORM
    updates and deletes of Rasa's ``SQLEvent``."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words, table = node.value.upper(), node.value.upper()
        elif isinstance(node, ast.JoinedStr):
            words = "".join(v.value for v in node.values if isinstance(v, ast.Constant)).upper()
            table = " ".join(ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
            table = words + " " + table.upper()
        else:
            continue
        if any(verb in words for verb in WRITE_VERBS) and "EVENTS" in table:
            return True
    return bool(CORE_WRITE.search(source)) or (
        "SQLEvent" in source and (".delete(" in source or "row.data =" in source)
    )


def test_only_the_conversation_store_changes_stored_conversations() -> None:
    """One module writes Rasa's events table outside Rasa itself; the tracker store calls it too."""
    writers = {
        str(path.relative_to(ROOT))
        for path in [
            *ROOT.glob("assistant/**/*.py"),
            *ROOT.glob("actions/**/*.py"),
            *ROOT.glob("scripts/*.py"),
        ]
        if _writes_events(path)
    }
    assert writers == {"assistant/conversation_store.py"}


def test_the_enquiry_tools_use_the_shared_functions() -> None:
    source = (ROOT / "assistant" / "enquiries" / "tracker.py").read_text(encoding="utf-8")
    assert "assistant.conversation_store" in source
    assert "text(" not in source  # no SQL of its own


def test_the_shared_functions_import_no_rasa() -> None:
    tree = ast.parse((ROOT / "assistant" / "conversation_store.py").read_text(encoding="utf-8"))
    modules = [
        (n.module or "") if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in (n.names if isinstance(n, ast.Import) else [n])
    ]
    assert not [m for m in modules if m.split(".")[0] in {"rasa", "rasa_sdk"}]
