"""Bring the enquiry database schema up to date with the Alembic migrations in ``migrations/``.

Run programmatically: the store does it on first use, and
``python -m assistant.enquiries.admin migrate`` does it explicitly for ``DATABASE_URL``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Union

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.enquiries.db import make_engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "enquiries_alembic_version"
_PG_LOCK_ID = 724_517_301  # any constant: serialises concurrent migrations on PostgreSQL


def alembic_config() -> Config:
    """An Alembic configuration without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def migrate(target: Union[str, Engine]) -> str:
    """Upgrade the database (a URL or an engine) to the newest revision; safe to repeat.

    Concurrent callers are serialised (an advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on
    SQLite); a caller that loses a race finds the schema already current.
    """
    engine = make_engine(target) if isinstance(target, str) else target
    head = head_revision()
    for attempt in range(3):
        if current_revision(engine) == head:
            return head
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            logger.info("enquiry schema at revision %s", head)
            return head
        except SQLAlchemyError as exc:
            logger.info("enquiry schema migration attempt %d failed: %s", attempt + 1, type(exc).__name__)
            if attempt == 2:
                raise
    return head
