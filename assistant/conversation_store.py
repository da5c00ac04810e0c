"""Changing stored conversations in Rasa's SQL tracker store (table ``events``): the one place.

Rasa appends a conversation's events; everything the assistant itself changes there goes
through these functions: deleting conversations ("delete my chat", the admin tool's erase,
the retention purge) and emptying the stored values of private slots (a cleared form, an
abandoned one). Each takes a SQLAlchemy ``Connection`` inside the caller's transaction: the
tracker store's ORM session (``session.connection()``) inside Rasa, or an engine's connection in
the admin tool and the worker (assistant/enquiries/tracker.py). No Rasa import, so the worker
and the admin tool stay light.

The table is described here only by the columns these functions touch (Rasa's
``SQLTrackerStore.SQLEvent``: ``id``, ``sender_id``, ``type_name``, ``timestamp``, ``data``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Iterable, Iterator, List, Sequence

from sqlalchemy import and_, column, delete, func, select, table, update
from sqlalchemy.engine import Connection

EVENTS_TABLE = "events"
EVENTS = table(
    EVENTS_TABLE,
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("data"),
)
SLOT_EVENT = "slot"
# Senders per ``IN (...)``: well under SQLite's and PostgreSQL's parameter limits.
BATCH = 500


def _senders(sender_ids: Iterable[str]) -> List[str]:
    return sorted({sender for sender in sender_ids if sender})


def _batches(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def count_events(connection: Connection, sender_ids: Iterable[str]) -> int:
    """How many events the given conversations have stored."""
    total = 0
    for batch in _batches(_senders(sender_ids)):
        query = select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id.in_(batch))
        total += int(connection.execute(query).scalar_one())
    return total


def delete_conversations(connection: Connection, sender_ids: Iterable[str]) -> int:
    """Delete every stored event (all sessions) of the given conversations; returns rows deleted."""
    deleted = 0
    for batch in _batches(_senders(sender_ids)):
        deleted += int(connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(batch))).rowcount or 0)
    return deleted


def empty_slot_values(connection: Connection, sender_ids: Iterable[str], slots: Iterable[str]) -> int:
    """Set every stored value of ``slots`` in these conversations to empty; returns events changed.

    The event is kept (Rasa replays the conversation from it), only its value becomes ``None``.
    """
    names = set(slots)
    if not names:
        return 0
    changed = 0
    for batch in _batches(_senders(sender_ids)):
        rows = connection.execute(
            select(EVENTS.c.id, EVENTS.c.data).where(
                and_(EVENTS.c.type_name == SLOT_EVENT, EVENTS.c.sender_id.in_(batch))
            )
        ).fetchall()
        for row_id, data in rows:
            event = json.loads(data)
            if event.get("name") in names and event.get("value") is not None:
                event["value"] = None
                connection.execute(update(EVENTS).where(EVENTS.c.id == row_id).values(data=json.dumps(event)))
                changed += 1
    return changed


def senders_idle_since(connection: Connection, before: datetime) -> List[str]:
    """Conversations whose latest stored event is older than ``before``."""
    query = (
        select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(func.max(EVENTS.c.timestamp) < before.timestamp())
    )
    return [row[0] for row in connection.execute(query)]
