"""Engines for the enquiry and tracker databases: timeouts, SQLite pragmas, and no data in logs.

SQLAlchemy logs every result row at DEBUG on ``sqlalchemy.engine.Engine`` when logging is
configured that verbosely, whatever ``echo`` says, and its pool logs driver error messages
(which can quote row values). The engines made here log to a private, disabled logger instead,
and hide statement parameters from error messages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url

# Deliberately not registered with logging.getLogger: logging configuration cannot enable it.
_SILENT = logging.Logger("assistant.enquiries.sql")
_SILENT.disabled = True


def is_sqlite(url: str) -> bool:
    """True for a SQLite URL."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, connect_timeout: float = 5.0, statement_timeout: float = 10.0) -> Engine:
    """An engine with timeouts that never logs rows or parameters.

    SQLite: the file's directory is created; ``BEGIN IMMEDIATE`` transactions (writers queue
    instead of failing), foreign keys on, ``secure_delete`` so erased rows are overwritten.
    PostgreSQL: connect and statement timeouts.
    """
    connect_args: Dict[str, Any] = {}
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": statement_timeout, "check_same_thread": False}
    elif make_url(url).get_backend_name() == "postgresql":
        millis = int(statement_timeout * 1000)
        connect_args = {
            "connect_timeout": max(1, int(connect_timeout)),
            "options": f"-c statement_timeout={millis} -c lock_timeout={millis}",
            "application_name": "enquiries",
        }
    engine = create_engine(
        url,
        future=True,
        hide_parameters=True,
        pool_pre_ping=True,
        connect_args=connect_args,
    )
    _silence(engine)
    event.listen(engine, "engine_disposed", _silence)  # dispose() builds a new pool, with a new logger
    if is_sqlite(url):
        _configure_sqlite(engine)
    return engine


def _silence(engine: Engine) -> None:
    """Route the engine's and the pool's logging (rows, connection errors) to the disabled logger."""
    engine.logger = _SILENT
    engine.pool.logger = _SILENT


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
