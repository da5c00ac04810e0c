"""Erasing visitors' conversations from Rasa's SQL tracker store (table ``events``).

Erasing, counting and finding old conversations need the store: if it cannot be opened or has
no ``events`` table they raise :class:`TrackerStoreUnavailable` (a wrong ``TRACKER_DB_URL``
must not look like "nothing to erase"). Only the abandoned-form sweep, which the worker runs
every few minutes from the start, treats a store that does not exist yet as empty.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from typing import Callable, Iterable, List, TypeVar

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.enquiries.db import is_sqlite, make_engine, sqlite_path
from assistant.enquiries.errors import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")
EVENTS_TABLE = "events"


class ConversationStore:
    """Rasa's ``SQLTrackerStore`` database, seen only as rows of ``events`` by ``sender_id``."""

    def __init__(self, url: str, connect_timeout: float = 5.0, statement_timeout: float = 10.0) -> None:
        self.url = url
        self._timeouts = (connect_timeout, statement_timeout)
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def _get_engine(self) -> Engine | str:
        """The engine, or why there is none: ``NoTrackerStore`` or ``NoEventsTable``.

        A missing SQLite file is not created by looking for it.
        """
        if is_sqlite(self.url):
            path = sqlite_path(self.url)
            if path is not None and not path.exists():
                return "NoTrackerStore"
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.url, *self._timeouts)
        if not inspect(self._engine).has_table(EVENTS_TABLE):
            return "NoEventsTable"
        return self._engine

    def _guard(self, operation: str, call: Callable[[Engine | None], T], required: bool = True) -> T:
        """Run ``call`` with the engine; None is passed only when not ``required`` and none exists."""
        try:
            engine = self._get_engine()
            if isinstance(engine, Engine):
                return call(engine)
            if not required:
                return call(None)
            error = engine
        except SQLAlchemyError as exc:
            error = type(exc).__name__
        logger.warning("tracker store %s failed: %s", operation, error)
        raise TrackerStoreUnavailable(operation, error)  # raised outside ``except``: no chained cause

    def check(self) -> None:
        """Raise :class:`TrackerStoreUnavailable` unless the store opens and has its events table."""
        self._guard("open the tracker store", lambda engine: None)

    def count(self, sender_ids: Iterable[str]) -> int:
        """How many events the given conversations have."""
        ids = _ids(sender_ids)

        def run(engine: Engine | None) -> int:
            if engine is None or not ids:
                return 0
            query = text(f"SELECT COUNT(*) FROM {EVENTS_TABLE} WHERE sender_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            )
            with engine.connect() as connection:
                return int(connection.execute(query, {"ids": ids}).scalar_one())

        return self._guard("count conversations", run)

    def erase(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of the given conversations; returns the number of rows removed."""
        ids = _ids(sender_ids)

        def run(engine: Engine | None) -> int:
            if engine is None or not ids:
                return 0
            query = text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            )
            with engine.begin() as connection:
                return int(connection.execute(query, {"ids": ids}).rowcount or 0)

        removed = self._guard("erase conversations", run)
        logger.info("erased %d tracker events from %d conversation(s)", removed, len(ids))
        return removed

    def stale_senders(self, before: datetime) -> List[str]:
        """Conversations whose latest event is older than ``before``."""

        def run(engine: Engine | None) -> List[str]:
            if engine is None:
                return []
            query = text(
                f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
            )
            with engine.connect() as connection:
                return [row[0] for row in connection.execute(query, {"cutoff": before.timestamp()})]

        return self._guard("find old conversations", run)

    def clear_abandoned_form_data(self, slots: Iterable[str], before: datetime) -> int:
        """Empty the stored values of private form slots in conversations idle since ``before``.

        A visitor who closes the tab in the middle of the enquiry never ends the form, so
        the details typed so far would stay until the retention purge. Rasa's sessions end
        after 60 idle minutes; the worker runs this for conversations idle longer than that.
        Returns the number of slot events emptied.
        """
        names = sorted(set(slots))

        def run(engine: Engine | None) -> int:
            if engine is None or not names:
                return 0
            idle = text(
                f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
            )
            select = text(
                f"SELECT id, data FROM {EVENTS_TABLE} WHERE type_name = 'slot' AND sender_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True))
            update = text(f"UPDATE {EVENTS_TABLE} SET data = :data WHERE id = :id")
            changed = 0
            with engine.begin() as connection:
                senders = [row[0] for row in connection.execute(idle, {"cutoff": before.timestamp()})]
                for start in range(0, len(senders), 500):
                    rows = connection.execute(select, {"ids": senders[start : start + 500]}).fetchall()
                    for row_id, data in rows:
                        event = json.loads(data)
                        if event.get("name") in names and event.get("value") is not None:
                            event["value"] = None
                            connection.execute(update, {"data": json.dumps(event), "id": row_id})
                            changed += 1
            return changed

        changed = self._guard("clear abandoned form data", run, required=False)
        if changed:
            logger.info("emptied %d private slot value(s) of abandoned forms", changed)
        return changed

    def dispose(self) -> None:
        """Close pooled connections."""
        if self._engine is not None:
            self._engine.dispose()


def _ids(sender_ids: Iterable[str]) -> List[str]:
    return sorted({sender for sender in sender_ids if sender})
