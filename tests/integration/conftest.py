"""Real services on loopback for the enquiry tests: PostgreSQL from Debian's binaries, an SMTP server.

PostgreSQL is the harness's (tests/harness/postgres.py), started once per session from
``/usr/lib/postgresql/<version>/bin`` (or ``POSTGRES_BIN``) in a temporary directory on a free
loopback port. Each test gets a fresh database. Missing binaries fail the PostgreSQL tests.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

from assistant.enquiries.config import EnquiryConfig, load_config
from assistant.enquiries.store import EnquiryStore
from tests.harness.ports import free_port
from tests.harness.postgres import Postgres, PostgresUnavailable
from tests.integration.support import SMTPServer, TrackerDB

BACKENDS = ["sqlite", "postgresql"]


# -- PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One throwaway PostgreSQL for the session (tests/harness/postgres.py)."""
    try:
        server = Postgres()
        server.start()
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL tests cannot run: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server: Postgres) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = "t_" + uuid.uuid4().hex[:12]
    postgres_server.execute(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The enquiry database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'enquiries.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite enquiry database (for tests that are about something other than the backend)."""
    return f"sqlite:///{tmp_path / 'enquiries.db'}"


# -- the tracker store -------------------------------------------------------------------------


@pytest.fixture
def tracker(tmp_path: Path) -> TrackerDB:
    return TrackerDB(tmp_path / "tracker.db")


# -- configuration and store -------------------------------------------------------------------


@pytest.fixture
def make_config(tmp_path: Path, tracker: TrackerDB) -> Callable[..., EnquiryConfig]:
    def make(database_url: str, **env: str) -> EnquiryConfig:
        values = {
            "DATABASE_URL": database_url,
            "TRACKER_DB_URL": tracker.url,
            "MAIL_DIR": str(tmp_path / "mail"),
            "THERAPIST_EMAIL": "tim@practice.example",
            "SMTP_FROM": "assistant@practice.example",
            "SMTP_TIMEOUT": "5",
            "DB_CONNECT_TIMEOUT": "2",
            "DB_STATEMENT_TIMEOUT": "5",
        }
        values.update(env)
        return load_config(values)

    return make


@pytest.fixture
def make_store(make_config: Callable[..., EnquiryConfig]) -> Iterator[Callable[..., EnquiryStore]]:
    stores: List[EnquiryStore] = []

    def make(database_url: str, **env: str) -> EnquiryStore:
        store = EnquiryStore(config=make_config(database_url, **env))
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.dispose()


@pytest.fixture
def store(make_store: Callable[..., EnquiryStore], database_url: str) -> EnquiryStore:
    """A store on each backend, files in tmp_path, no SMTP (notifications become .eml files)."""
    return make_store(database_url)


# -- SMTP --------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """An SMTP server on a free loopback port, running (no STARTTLS offered)."""
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_port_down() -> Iterator[SMTPServer]:
    """An SMTP server object whose port nothing listens on until ``start()`` is called."""
    server = SMTPServer(free_port())
    yield server
    server.stop()
