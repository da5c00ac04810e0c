"""Erasing visitors' conversations from Rasa's SQL tracker store (table ``events``).

The changes themselves are assistant/conversation_store.py's, shared with the tracker store;
this module opens the database for the admin tool and the worker and reports failures.

Erasing, counting and finding old conversations need the store: if it cannot be opened or has
no ``events`` table they raise :class:`TrackerStoreUnavailable` (a wrong ``TRACKER_DB_URL``
must not look like "nothing to erase"). Only the abandoned-form sweep, which the worker runs
every few minutes from the start, treats a store that does not exist yet as empty.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable, Iterable, List, TypeVar

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.conversation_store import (
    EVENTS_TABLE,
    count_events,
    delete_conversations,
    empty_slot_values,
    senders_idle_since,
)
from assistant.enquiries.db import is_sqlite, make_engine, sqlite_path
from assistant.enquiries.errors import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")


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
            with engine.connect() as connection:
                return count_events(connection, ids)

        return self._guard("count conversations", run)

    def erase(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of the given conversations; returns the number of rows removed."""
        ids = _ids(sender_ids)

        def run(engine: Engine | None) -> int:
            if engine is None or not ids:
                return 0
            with engine.begin() as connection:
                return delete_conversations(connection, ids)

        removed = self._guard("erase conversations", run)
        logger.info("erased %d tracker events from %d conversation(s)", removed, len(ids))
        return removed

    def stale_senders(self, before: datetime) -> List[str]:
        """Conversations whose latest event is older than ``before``."""

        def run(engine: Engine | None) -> List[str]:
            if engine is None:
                return []
            with engine.connect() as connection:
                return senders_idle_since(connection, before)

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
            with engine.begin() as connection:
                return empty_slot_values(connection, senders_idle_since(connection, before), names)

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
