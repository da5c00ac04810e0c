"""Delivery faults that retrying cannot fix end as ``failed``, loudly, and the therapist sees them.

Deliveries are at least once (a claim de-duplicates workers; a crash after sending and before
recording it sends again, with the same Message-ID). A permanent SMTP error (a refused login,
no STARTTLS, a recipient refused with 5xx) fails the notification at once; anything else is
retried with backoff until ``ENQUIRY_MAX_ATTEMPTS``. Either way the row is marked ``failed``,
logged at ERROR with the reference and the error class only, and ``admin list`` says so.
"""

from __future__ import annotations

import io
import logging
from typing import Iterator, Tuple

import pytest
from alembic import command
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from assistant.enquiries import admin
from assistant.enquiries.db import make_engine
from assistant.enquiries.migrate import alembic_config, migrate
from assistant.enquiries.models import Outbox, utcnow
from assistant.enquiries.store import EnquiryStore
from assistant.enquiries.worker import run_once
from tests.harness.ports import free_port
from tests.integration.support import SMTPServer, enquiry, later, outbox_row, smtp_env

CANARY = "Wqcanaryfail"


def cli(store: EnquiryStore, *argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = admin.run(list(argv), store=store, stdout=out, stderr=err, stdin=io.StringIO())
    return code, out.getvalue(), err.getvalue()


def started(server: SMTPServer) -> Iterator[SMTPServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def refusing_login() -> Iterator[SMTPServer]:
    """A server that offers AUTH and answers every login with 535 (a wrong password)."""
    yield from started(SMTPServer(free_port(), refuse_login=True))


@pytest.fixture
def refusing_recipient(request: pytest.FixtureRequest) -> Iterator[SMTPServer]:
    """A server that refuses the therapist's address with the reply given as the parameter."""
    yield from started(SMTPServer(free_port(), rcpt_reply=request.param))


def errors_logged(caplog: pytest.LogCaptureFixture) -> list:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("assistant")]


def test_a_wrong_smtp_password_fails_at_once(
    make_store, database_url: str, refusing_login: SMTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(database_url, SMTP_USER="tim", SMTP_PASSWORD="wrong", **smtp_env(refusing_login))
    reference = store.create(enquiry(), "k").reference
    caplog.set_level(logging.INFO)
    result = run_once(store)
    assert (result.sent, result.failed, result.gave_up) == (0, 1, 1)
    row = outbox_row(store)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("SMTPAuthenticationError") and "535" in row.last_error
    assert run_once(store, now=later(days=30)).failed == 0  # never retried
    [error] = errors_logged(caplog)
    assert reference in error.getMessage() and "SMTPAuthenticationError" in error.getMessage()
    assert store.get(reference).notification == "failed"


def test_starttls_not_offered_fails_at_once(make_store, database_url: str, smtp_server: SMTPServer) -> None:
    store = make_store(database_url, **smtp_env(smtp_server, SMTP_STARTTLS="1"))
    store.create(enquiry(), "k")
    assert run_once(store).gave_up == 1
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "StartTLSNotOffered")
    assert run_once(store, now=later(days=1)).failed == 0 and smtp_server.inbox.messages == []


@pytest.mark.parametrize("refusing_recipient", ["550 5.1.1 No such user here"], indirect=True)
def test_a_recipient_refused_for_good_fails_at_once(
    make_store, sqlite_url: str, refusing_recipient: SMTPServer
) -> None:
    store = make_store(sqlite_url, **smtp_env(refusing_recipient))
    store.create(enquiry(), "k")
    assert run_once(store).gave_up == 1
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "SMTPRecipientsRefused 550")


@pytest.mark.parametrize("refusing_recipient", ["450 4.2.1 Mailbox busy, try later"], indirect=True)
def test_a_recipient_refused_for_now_is_retried(make_store, sqlite_url: str, refusing_recipient) -> None:
    store = make_store(sqlite_url, **smtp_env(refusing_recipient))
    store.create(enquiry(), "k")
    result = run_once(store)
    assert (result.failed, result.gave_up) == (1, 0)
    row = outbox_row(store)
    assert (row.status, row.last_error) == ("pending", "SMTPRecipientsRefused 450")


def test_temporary_failures_stop_after_the_maximum_attempts(
    make_store, database_url: str, smtp_port_down: SMTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(database_url, ENQUIRY_MAX_ATTEMPTS="3", **smtp_env(smtp_port_down))
    reference = store.create(enquiry(), "k").reference
    caplog.set_level(logging.INFO)
    gave_up = [run_once(store, now=later(hours=hours)).gave_up for hours in (0, 2, 4, 6, 8)]
    assert gave_up == [0, 0, 1, 0, 0]
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "ConnectionRefusedError")
    [error] = errors_logged(caplog)
    assert reference in error.getMessage() and "3 attempts" in error.getMessage()
    smtp_port_down.start()  # the server coming back does not resurrect a failed row by itself
    assert run_once(store, now=later(days=1)).sent == 0


def test_the_maximum_attempts_setting_defaults_and_is_checked() -> None:
    from assistant.enquiries.config import load_config
    from assistant.settings import SettingsError

    assert load_config({}).max_attempts == 12
    assert load_config({"ENQUIRY_MAX_ATTEMPTS": "3"}).max_attempts == 3
    with pytest.raises(SettingsError):
        load_config({"ENQUIRY_MAX_ATTEMPTS": "0"})


def test_the_error_log_holds_nothing_the_visitor_typed(
    make_store, sqlite_url: str, refusing_login: SMTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(sqlite_url, SMTP_USER="tim", SMTP_PASSWORD="wrong", **smtp_env(refusing_login))
    store.create(
        enquiry(name=f"{CANARY} Person", email=f"{CANARY.lower()}@example.com", message=f"{CANARY} note"),
        "k",
    )
    caplog.set_level(logging.DEBUG)
    run_once(store)
    assert errors_logged(caplog)
    for record in caplog.records:
        assert CANARY.lower() not in record.getMessage().lower()
        assert "wrong" not in record.getMessage()  # nor the password


def test_admin_list_shows_the_delivery_status_and_warns_of_failures(
    make_store, sqlite_url: str, refusing_login: SMTPServer
) -> None:
    failing = make_store(sqlite_url, SMTP_USER="tim", SMTP_PASSWORD="wrong", **smtp_env(refusing_login))
    working = make_store(sqlite_url)  # no SMTP_HOST: delivered as a file
    sent = working.create(enquiry(name="Sent"), "k1").reference
    run_once(working)
    failed = failing.create(enquiry(name="Failed"), "k2").reference
    run_once(failing)
    pending = working.create(enquiry(name="Pending"), "k3").reference

    code, out, _ = cli(working, "list")
    assert code == 0
    lines = out.splitlines()
    assert "could not be sent" in lines[0] and failed in lines[0] and sent not in lines[0]
    header = next(line for line in lines if line.startswith("REF"))
    assert "DELIVERY" in header.split()
    column = header.split().index("DELIVERY") + 2  # RECEIVED takes three words in a row
    status = {line.split()[0]: line.split()[column] for line in lines[lines.index(header) + 1 :]}
    assert status == {sent: "sent", failed: "failed", pending: "pending"}

    code, out, _ = cli(working, "show", failed)
    assert "failed after 1 attempt (SMTPAuthenticationError 535)" in out

    cli(working, "handled", failed)
    code, out, _ = cli(working, "list")
    assert out.splitlines()[0].startswith("REF")  # no warning once the enquiry is handled


def test_the_failed_status_is_added_to_an_existing_database(database_url: str) -> None:
    """An outbox created by the first migration takes ``failed`` after upgrading; junk is still refused."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO enquiries (id, reference, idempotency_key, created_at, route, name, "
                    "contact_method, email, consent_text, consent_at) VALUES (1, 'TN-2345', 'k', "
                    ":now, 'general', 'Sam', 'email', 'sam@example.com', 'ok', :now)"
                ),
                {"now": utcnow().replace(tzinfo=None)},
            )
            connection.execute(
                text(
                    "INSERT INTO outbox (enquiry_id, status, attempts, next_attempt_at) "
                    "VALUES (1, 'pending', 2, :now)"
                ),
                {"now": utcnow().replace(tzinfo=None)},
            )
        migrate(engine)
        with engine.begin() as connection:
            connection.execute(update(Outbox).values(status="failed"))
            assert connection.execute(select(Outbox.status, Outbox.attempts)).one() == ("failed", 2)
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(update(Outbox).values(status="bogus"))
    finally:
        engine.dispose()
