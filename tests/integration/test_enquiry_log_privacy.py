"""Nothing a visitor typed reaches a log record or an exception message, on any path.

A canary goes into the name, the email's local part, the availability and the message. Every
logger (SQLAlchemy, Alembic, aiosmtpd and ours) is set to DEBUG, errors are forced (database
unreachable, a database error that quotes the row, SMTP down, STARTTLS missing, invalid data),
and every captured record and every exception raised to the caller is searched for the canary.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from datetime import timedelta
from typing import Iterator, List

import pytest
from sqlalchemy import create_engine, text

from assistant.enquiries.admin import run as admin_run
from assistant.enquiries.errors import InvalidEnquiry, StoreUnavailable
from assistant.enquiries.models import utcnow
from assistant.enquiries.records import EnquiryData
from assistant.enquiries.store import create_async
from assistant.enquiries.worker import run_once
from tests.harness.ports import free_port
from tests.integration.support import SMTPServer, TrackerDB, enquiry

CANARY = "Zqxcanaryvw"
LOGGERS = (
    "",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.pool",
    "sqlalchemy.orm",
    "alembic",
    "mail.log",
    "asyncio",
    "assistant",
    "tests",
)


def canary_enquiry(**changes: object) -> EnquiryData:
    values = dict(
        name=f"{CANARY} Person",
        email=f"{CANARY.lower()}.x@example.com",
        availability=f"{CANARY} on Tuesdays",
        message=f"{CANARY}: my partner and I argue about porn",
        sender_id="canary-conversation",
    )
    values.update(changes)
    return enquiry(**values)


@pytest.fixture
def everything_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger that exists or will matter at DEBUG, propagating to the capture handler."""
    names = set(LOGGERS) | set(logging.root.manager.loggerDict)
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (logger.level, logger.propagate, logger.disabled)
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if name:
            logger.propagate = True
    caplog.set_level(logging.DEBUG)
    yield caplog
    for name, (level, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.propagate = propagate
        logger.disabled = disabled


def assert_no_canary(caplog: pytest.LogCaptureFixture, errors: List[BaseException] = ()) -> None:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        assert CANARY.lower() not in formatter.format(record).lower(), (
            f"canary in a log record from {record.name}"
        )
    for error in errors:
        rendered = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        for text_ in (str(error), repr(error), rendered):
            assert CANARY.lower() not in text_.lower(), f"canary in {type(error).__name__}"


def test_the_capture_would_see_a_leak(everything_at_debug: pytest.LogCaptureFixture) -> None:
    """Control: a plain SQLAlchemy engine logs row values at DEBUG, and this harness catches it."""
    engine = create_engine("sqlite://", future=True)
    with engine.connect() as connection:
        connection.execute(text("SELECT :value"), {"value": CANARY}).all()
    engine.dispose()
    with pytest.raises(AssertionError, match="canary in a log record"):
        assert_no_canary(everything_at_debug)


def test_normal_use_logs_nothing_personal(
    everything_at_debug, make_store, database_url: str, smtp_server: SMTPServer, tracker: TrackerDB
) -> None:
    store = make_store(
        database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_server.port), SMTP_STARTTLS="0"
    )
    tracker.add("canary-conversation", text=f"I am {CANARY}")
    reference = store.create(canary_enquiry(), "k1").reference
    store.create(canary_enquiry(), "k1")
    store.create(canary_enquiry(sender_id="other"), "k2", now=utcnow() - timedelta(days=900))
    assert run_once(store).sent == 2
    store.list(include_handled=True)
    store.get(reference)
    store.mark_handled(reference)
    store.export_csv(everything_at_debug.handler.stream)  # type: ignore[attr-defined]
    asyncio.run(create_async(canary_enquiry(), "k3", store=store))
    store.purge()
    store.erase_by_email(f"{CANARY.lower()}.x@example.com")
    assert len(everything_at_debug.records) > 10  # the capture saw the work being done
    assert any(reference in r.getMessage() for r in everything_at_debug.records)
    assert_no_canary(everything_at_debug)


def test_unreachable_database(everything_at_debug, make_store, tmp_path) -> None:
    errors: List[BaseException] = []
    blocked = tmp_path / "file"
    blocked.write_text("")
    for url in (
        f"postgresql+psycopg2://{CANARY}@127.0.0.1:{free_port()}/x",
        f"sqlite:///{blocked}/enquiries.db",
    ):
        store = make_store(url, DB_CONNECT_TIMEOUT="1")
        for call in (
            lambda s=store: s.create(canary_enquiry(), "k"),
            lambda s=store: asyncio.run(create_async(canary_enquiry(), "k", store=s)),
            lambda s=store: s.erase_by_email(f"{CANARY}@example.com"),
        ):
            with pytest.raises(StoreUnavailable) as caught:
                call()
            errors.append(caught.value)
    assert_no_canary(everything_at_debug, errors)


def _install_row_quoting_failure(store) -> None:
    """Make every enquiry insert fail with a database error that carries the row's values."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'refused % % %', NEW.name, NEW.email, NEW.message; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON enquiries FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON enquiries BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )


def test_database_error_that_quotes_the_row(everything_at_debug, make_store, database_url: str) -> None:
    store = make_store(database_url)
    _install_row_quoting_failure(store)
    with pytest.raises(StoreUnavailable) as caught:
        store.create(canary_enquiry(), "k")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__ is False
    assert caught.value.__context__ is None  # the database error is not reachable from it at all
    assert_no_canary(everything_at_debug, [caught.value])


def test_smtp_failures(everything_at_debug, make_store, sqlite_url: str, smtp_server: SMTPServer) -> None:
    down = make_store(sqlite_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()), SMTP_STARTTLS="0")
    down.create(canary_enquiry(), "k")
    assert run_once(down).failed == 1
    no_tls = make_store(sqlite_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_server.port), SMTP_STARTTLS="1")
    assert run_once(no_tls, now=lambda: utcnow() + timedelta(hours=1)).failed == 1
    assert any("ConnectionRefusedError" in r.getMessage() for r in everything_at_debug.records)
    assert any("StartTLSNotOffered" in r.getMessage() for r in everything_at_debug.records)
    assert_no_canary(everything_at_debug)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": CANARY * 10},
        {"name": f"{CANARY}@example.com"},
        {"email": f"{CANARY}@@example"},
        {"email": None, "contact_method": f"{CANARY}"},
        {"phone": f"{CANARY} 0", "contact_method": "phone"},
        {"message": CANARY * 60},
        {"availability": CANARY * 30},
        {"who_for": CANARY},
    ],
)
def test_invalid_data(everything_at_debug, make_store, sqlite_url: str, changes: dict) -> None:
    store = make_store(sqlite_url)
    with pytest.raises(InvalidEnquiry) as caught:
        store.create(canary_enquiry(**changes), "k")
    assert_no_canary(everything_at_debug, [caught.value])


def test_admin_tool_logs_nothing(everything_at_debug, make_store, sqlite_url: str, capsys) -> None:
    import io

    store = make_store(sqlite_url)
    reference = store.create(canary_enquiry(), "k").reference
    out = io.StringIO()
    for argv in (
        ["list"],
        ["show", reference],
        ["export"],
        ["erase", reference, "--yes"],
        ["purge", "--yes"],
    ):
        assert admin_run(argv, store=store, stdout=out, stderr=out, stdin=io.StringIO()) == 0
    assert CANARY in out.getvalue()  # the therapist sees the data on the terminal ...
    assert_no_canary(everything_at_debug)  # ... and no log ever holds it
