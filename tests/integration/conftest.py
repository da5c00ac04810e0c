"""Real services on loopback for the enquiry tests: PostgreSQL from Debian's binaries, an SMTP server.

PostgreSQL is started once per session from ``/usr/lib/postgresql/<version>/bin`` (or
``POSTGRES_BIN``) in a temporary directory, listening on 127.0.0.1 on a free port, as the
``postgres`` system user when the tests run as root. Each test gets a fresh database. Missing
binaries fail the PostgreSQL tests.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List

import psycopg2
import pytest

from assistant.enquiries.config import EnquiryConfig, load_config
from assistant.enquiries.store import EnquiryStore
from tests.integration.support import SMTPServer, TrackerDB, free_port

BACKENDS = ["sqlite", "postgresql"]


# -- PostgreSQL --------------------------------------------------------------------------------


def _postgres_bin() -> Path | None:
    if os.environ.get("POSTGRES_BIN"):
        candidates = [os.environ["POSTGRES_BIN"]]
    else:
        candidates = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
        )
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def _unavailable(reason: str) -> None:
    message = (
        f"PostgreSQL tests cannot run: {reason}. Install Debian's postgresql package "
        "(make system installs it)."
    )
    pytest.fail(message, pytrace=False)


@dataclass
class PostgresServer:
    """A running throwaway PostgreSQL server."""

    host: str
    port: int
    user: str = "postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) as the superuser."""
        connection = psycopg2.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", connect_timeout=5
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _postgres_bin()
    if bin_dir is None:
        where = os.environ.get("POSTGRES_BIN") or "/usr/lib/postgresql/*/bin"
        _unavailable(f"no initdb/pg_ctl under {where}")
    as_user: List[str] = []
    base = Path(tempfile.mkdtemp(prefix="enquiries-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            _unavailable("running as root and there is no 'postgres' system user to run the server")
        if shutil.which("runuser") is None:
            shutil.rmtree(base, ignore_errors=True)
            _unavailable("running as root and runuser is missing")
        os.chown(base, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"
    port = free_port()
    options = (
        f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c shared_buffers=16MB -c max_connections=40"
    )

    def run(*command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*as_user, *command], capture_output=True, text=True, timeout=timeout, check=False, cwd=base
        )

    init = run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "--no-sync",
        "-E",
        "UTF8",
        "--no-locale",
    )
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed:\n{init.stderr[-2000:]}", pytrace=False)
    start = run(
        str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"
    )
    if start.returncode != 0:
        text = log.read_text(errors="replace")[-2000:] if log.exists() else start.stderr
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start:\n{text}", pytrace=False)
    try:
        yield PostgresServer("127.0.0.1", port)
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
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
