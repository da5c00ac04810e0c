"""deploy/postgres-init.sh on a real PostgreSQL: each role can do its job and nothing more.

The server is the session's throwaway one (trust authentication, so passwords are not what is
tested here; privileges are). Rasa's own tracker store creates its table as the tracker role,
the enquiry store migrates and saves as the enquiries role, and the eraser can read, empty and
delete stored events but not add any, and reaches no other database.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from typing import Iterator

import psycopg2
import pytest

from assistant.enquiries.config import load_config
from assistant.enquiries.store import EnquiryStore
from assistant.enquiries.tracker import ConversationStore
from tests.conftest import ROOT
from tests.harness.postgres import Postgres
from tests.integration.support import enquiry

SCRIPT = ROOT / "deploy" / "postgres-init.sh"
ROLES = ("assistant_tracker", "assistant_enquiries", "assistant_eraser")


def _drop_everything(server: Postgres) -> None:
    for database in ("tracker", "enquiries"):
        server.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    for role in ROLES:
        server.execute(f"DROP ROLE IF EXISTS {role}")


def _run_script(server: Postgres) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PGHOST": server.host,
        "PGPORT": str(server.port),
        "POSTGRES_USER": server.user,
        "POSTGRES_DB": "postgres",
        "TRACKER_DB_PASSWORD": "tracker-secret",
        "ENQUIRIES_DB_PASSWORD": "enquiries-secret",
        "TRACKER_ERASER_PASSWORD": "eraser-secret",
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def roles(postgres_server: Postgres) -> Iterator[Postgres]:
    if shutil.which("psql") is None:
        pytest.fail("psql is missing (Debian's postgresql-client; make system installs it)", pytrace=False)
    _drop_everything(postgres_server)
    done = _run_script(postgres_server)
    assert done.returncode == 0, done.stderr
    again = _run_script(postgres_server)  # safe to run twice
    assert again.returncode == 0, again.stderr
    yield postgres_server
    _drop_everything(postgres_server)


def url(server: Postgres, role: str, database: str) -> str:
    return f"postgresql+psycopg2://{role}@{server.host}:{server.port}/{database}"


def connect(server: Postgres, role: str, database: str):
    return psycopg2.connect(host=server.host, port=server.port, user=role, dbname=database, connect_timeout=5)


def refused(server: Postgres, role: str, database: str, statement: str | None = None) -> bool:
    """The role cannot connect to ``database``, or cannot run ``statement`` there."""
    try:
        connection = connect(server, role, database)
    except psycopg2.OperationalError:
        return True
    try:
        if statement is None:
            return False
        with connection.cursor() as cursor:
            try:
                cursor.execute(statement)
            except psycopg2.errors.InsufficientPrivilege:
                return True
        return False
    finally:
        connection.close()


def test_no_role_is_privileged(roles: Postgres) -> None:
    connection = connect(roles, "postgres", "postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles "
                "WHERE rolname LIKE 'assistant_%' ORDER BY rolname"
            )
            rows = cursor.fetchall()
    finally:
        connection.close()
    assert rows == [(role, False, False, False, True) for role in sorted(ROLES)]


def test_each_role_does_its_job_and_nothing_more(roles: Postgres) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.tracker_store import RedactingSQLTrackerStore

    # Rasa, as the tracker role: creates its table and writes a conversation.
    domain = Domain.from_dict(
        {"slots": {"enquiry_email": {"type": "text", "mappings": [{"type": "custom"}]}}}
    )
    tracker_store = RedactingSQLTrackerStore(domain, host=url(roles, "assistant_tracker", "tracker"))
    tracker = DialogueStateTracker("visitor", slots=[])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hello", intent={"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("enquiry_email", "sam@example.com"))
    asyncio.run(tracker_store.save(tracker))
    tracker_store.engine.dispose()
    assert refused(roles, "assistant_tracker", "enquiries")

    # The action servers, as the enquiries role: the schema is migrated and an enquiry saved.
    store = EnquiryStore(config=load_config({"DATABASE_URL": url(roles, "assistant_enquiries", "enquiries")}))
    try:
        assert store.create(enquiry(), "key-1").created
    finally:
        store.dispose()
    assert refused(roles, "assistant_enquiries", "tracker")

    # The worker and the admin tool, as the eraser: empty, find and delete, but never add.
    conversations = ConversationStore(url(roles, "assistant_eraser", "tracker"))
    try:
        later = datetime.now(timezone.utc) + timedelta(hours=2)
        assert conversations.count(["visitor"]) == 3
        assert conversations.clear_abandoned_form_data({"enquiry_email"}, later) == 1
        assert conversations.stale_senders(later) == ["visitor"]
        assert conversations.erase(["visitor"]) == 3
    finally:
        conversations.dispose()
    insert = "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('x', 'user', 0, '{}')"
    assert refused(roles, "assistant_eraser", "tracker", insert)
    assert refused(roles, "assistant_eraser", "tracker", "CREATE TABLE extra (id int)")
    assert refused(roles, "assistant_eraser", "tracker", "DROP TABLE events")
    assert refused(roles, "assistant_eraser", "enquiries")
