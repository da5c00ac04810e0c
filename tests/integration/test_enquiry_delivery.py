"""Notification delivery through a real SMTP server on loopback (aiosmtpd), on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

from assistant.enquiries.mail import message_id_for
from assistant.enquiries.models import utcnow
from assistant.enquiries.outbox import backoff_seconds, claim_next, mark_sent
from assistant.enquiries.store import EnquiryStore
from assistant.enquiries.worker import run_once
from assistant.settings import PROJECT_ROOT
from tests.harness.ports import free_port
from tests.integration.support import SMTPServer, enquiry, later, outbox_row, smtp_env, wait_for


def test_delivered_once(make_store, database_url: str, smtp_server: SMTPServer) -> None:
    store = make_store(database_url, **smtp_env(smtp_server))
    reference = store.create(enquiry(who_for="partner"), "k").reference
    assert run_once(store).sent == 1
    assert run_once(store).sent == 0
    assert run_once(store, now=later(days=30)).sent == 0  # sent rows never come back
    assert smtp_server.inbox.subjects() == [f"New enquiry {reference} (couple_partner)"]
    email = smtp_server.inbox.parsed()[0]
    assert email["Message-ID"] == message_id_for(reference, "assistant@practice.example")
    assert email["To"] == "tim@practice.example"
    assert f'make admin ARGS="show {reference}"' in email.get_payload()
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None and row.message_id == email["Message-ID"]
    assert store.get(reference).notification == "sent"


def test_smtp_down_then_back_sends_exactly_one(
    make_store, database_url: str, smtp_port_down: SMTPServer
) -> None:
    store = make_store(database_url, **smtp_env(smtp_port_down))
    reference = store.create(enquiry(), "k").reference
    result = run_once(store)
    assert (result.sent, result.failed) == (0, 1)
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ConnectionRefusedError")
    assert row.next_attempt_at > utcnow() + timedelta(seconds=25)  # backing off
    assert run_once(store).failed == 0  # not due yet: no hammering

    assert run_once(store, now=later(minutes=5)).failed == 1  # still down
    assert outbox_row(store).attempts == 2

    smtp_port_down.start()
    assert run_once(store, now=later(hours=3)).sent == 1
    assert run_once(store, now=later(days=1)).sent == 0
    assert smtp_port_down.inbox.subjects() == [f"New enquiry {reference} (individual)"]
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)


def test_duplicate_send_makes_one_enquiry_and_one_email(make_store, database_url: str, smtp_server) -> None:
    store = make_store(database_url, **smtp_env(smtp_server))
    first = store.create(enquiry(), "visitor-pressed-send")
    run_once(store)
    second = store.create(enquiry(), "visitor-pressed-send")  # a repeated "send" after delivery
    run_once(store, now=later(hours=1))
    assert second.reference == first.reference and not second.created
    assert len(store.list(include_handled=True)) == 1
    assert len(smtp_server.inbox.messages) == 1


def test_two_workers_never_send_the_same_row(make_store, database_url: str, smtp_server) -> None:
    store = make_store(database_url, **smtp_env(smtp_server))
    references = {store.create(enquiry(email=f"sam{i}@example.com"), f"k{i}").reference for i in range(6)}
    workers = [make_store(database_url, **smtp_env(smtp_server)) for _ in range(2)]
    for worker in workers:
        worker.engine  # noqa: B018 - connect before the race
    barrier = threading.Barrier(2)
    totals = []

    def work(worker: EnquiryStore) -> None:
        barrier.wait()
        totals.append(run_once(worker).sent)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(totals) == 6
    subjects = smtp_server.inbox.subjects()
    assert len(subjects) == 6
    assert {s.split()[2] for s in subjects} == references


def test_stale_claim_is_taken_over_and_sent_once(make_store, database_url: str, smtp_server) -> None:
    store = make_store(database_url, **smtp_env(smtp_server))
    reference = store.create(enquiry(), "k").reference
    lease = timedelta(seconds=store.config.sending_lease_seconds)
    crashed = claim_next(store, utcnow(), lease)  # a worker claims the row, then dies
    assert crashed is not None and crashed.reference == reference
    assert run_once(store).sent == 0  # the claim still holds
    assert run_once(store, now=later(seconds=lease.total_seconds() + 1)).sent == 1
    assert not mark_sent(store, crashed, utcnow(), "late")  # the dead worker cannot overwrite it
    assert len(smtp_server.inbox.messages) == 1
    assert outbox_row(store).attempts == 2


def test_starttls_required_but_not_offered_sends_nothing(make_store, database_url: str, smtp_server) -> None:
    store = make_store(database_url, **smtp_env(smtp_server, SMTP_STARTTLS="1"))
    store.create(enquiry(), "k")
    assert run_once(store).failed == 1
    row = outbox_row(store)
    assert (row.status, row.last_error) == ("failed", "StartTLSNotOffered")  # permanent: not retried
    assert smtp_server.inbox.messages == []


def test_credentials_are_never_sent_without_tls(make_store, sqlite_url: str) -> None:
    server = SMTPServer(free_port(), hostname="127.0.0.2")  # loopback, but not "this machine" by name
    server.start()
    try:
        env = {"SMTP_HOST": "127.0.0.2", "SMTP_PORT": str(server.port), "SMTP_STARTTLS": "0"}
        store = make_store(sqlite_url, SMTP_USER="tim", SMTP_PASSWORD="secret", **env)
        store.create(enquiry(), "k")
        assert run_once(store).failed == 1
        assert outbox_row(store).last_error == "InsecureLogin" and server.inbox.messages == []
    finally:
        server.stop()


def test_without_smtp_host_the_email_is_written_to_mail_dir(make_store, database_url: str) -> None:
    store = make_store(database_url)
    reference = store.create(enquiry(who_for=None), "k").reference
    assert run_once(store).sent == 1
    files = list(store.config.mail_dir.iterdir())
    assert [f.name for f in files] == [f"{reference}.eml"]
    email = message_from_bytes(files[0].read_bytes())
    assert email["Subject"] == f"New enquiry {reference} (general)"
    assert outbox_row(store).status == "sent"


def test_the_email_carries_nothing_the_visitor_typed(make_store, sqlite_url: str, smtp_server) -> None:
    canary = "Qcanary"
    store = make_store(sqlite_url, **smtp_env(smtp_server))
    store.create(
        enquiry(
            name=f"{canary} Name",
            email=f"{canary.lower()}@example.com",
            phone="07911 123456",
            contact_method="either",
            availability=f"{canary} mornings",
            message=f"{canary} message about my partner's porn use",
            who_for="partner",
        ),
        "k",
    )
    run_once(store)
    raw = smtp_server.inbox.messages[0].decode("utf-8", "replace").lower()
    for secret in (canary.lower(), "7911", "123456", "porn", "mornings", "partner's"):
        assert secret not in raw


def test_backoff_is_exponential_and_capped() -> None:
    delays = [backoff_seconds(n, 30, 3600, jitter=0) for n in (1, 2, 3, 8, 50)]
    assert delays == [30, 60, 120, 3600, 3600]
    assert 3600 <= backoff_seconds(99, 30, 3600) <= 3960


def _worker_env(tmp_path: Path, sqlite_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "DATABASE_URL", "MAIL_DIR"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        DATABASE_URL=sqlite_url,
        MAIL_DIR=str(tmp_path / "mail"),
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        **extra,
    )
    return env


def test_worker_command_once(make_store, sqlite_url: str, tmp_path: Path) -> None:
    reference = make_store(sqlite_url).create(enquiry(), "k").reference
    done = subprocess.run(
        [sys.executable, "-m", "assistant.enquiries.worker", "--once"],
        env=_worker_env(tmp_path, sqlite_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mail" / f"{reference}.eml").exists()
    assert reference in done.stderr and "delivered by file" in done.stderr


def test_worker_stops_cleanly_on_sigterm(make_store, sqlite_url: str, tmp_path: Path) -> None:
    make_store(sqlite_url).create(enquiry(), "k")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.enquiries.worker"],
        env=_worker_env(tmp_path, sqlite_url, ENQUIRY_WORKER_POLL_SECONDS="0.2"),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: (tmp_path / "mail").exists() and any((tmp_path / "mail").iterdir()), 30)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "worker stopped" in stderr


def test_temporary_failures_stay_pending_until_the_maximum_attempts(
    make_store, sqlite_url: str, smtp_port_down: SMTPServer
) -> None:
    """Retried with backoff, never dropped silently: failed (and shown) after ENQUIRY_MAX_ATTEMPTS.

    Permanent errors and the end of the attempts: tests/integration/test_enquiry_delivery_failures.py.
    """
    store = make_store(sqlite_url, ENQUIRY_MAX_ATTEMPTS="6", **smtp_env(smtp_port_down))
    store.create(enquiry(), "k")
    for hours in (1, 5, 24, 24 * 7, 24 * 60):
        run_once(store, now=later(hours=hours))
    row = outbox_row(store)
    assert (row.status, row.attempts, row.last_error) == ("pending", 5, "ConnectionRefusedError")
    run_once(store, now=later(hours=24 * 61))
    assert (outbox_row(store).status, outbox_row(store).attempts) == ("failed", 6)
