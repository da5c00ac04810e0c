"""The enquiry store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import stat
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.enquiries.errors import InvalidEnquiry, StoreUnavailable
from assistant.enquiries.migrate import current_revision, head_revision, migrate
from assistant.enquiries.models import utcnow
from assistant.enquiries.store import EnquiryStore, create_async
from tests.harness.ports import free_port
from tests.integration.support import TrackerDB, enquiry


def _count(store: EnquiryStore, table: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_create_writes_enquiry_and_outbox_row(store: EnquiryStore) -> None:
    result = store.create(
        enquiry(name="  Sam   Example ", email="Sam@Example.COM", who_for="me_and_partner"), "key-1"
    )
    assert result.created and result.reference.startswith("TN-")
    record = store.get(result.reference)
    assert record is not None
    assert (record.name, record.email, record.route, record.who_for) == (
        "Sam Example",
        "Sam@example.com",
        "couple_partner",
        "me_and_partner",
    )
    assert record.notification == "pending" and record.is_open
    assert record.created_at.tzinfo is not None
    assert (_count(store, "enquiries"), _count(store, "outbox")) == (1, 1)


@pytest.mark.parametrize(
    "who_for, route", [("me", "individual"), ("partner", "couple_partner"), (None, "general")]
)
def test_route_is_derived_from_who_for(store: EnquiryStore, who_for: str, route: str) -> None:
    reference = store.create(enquiry(who_for=who_for), f"key-{who_for}").reference
    assert store.get(reference).route == route


def test_repeated_key_returns_the_first_reference(store: EnquiryStore) -> None:
    first = store.create(enquiry(), "same-key")
    again = store.create(enquiry(name="Someone Else"), "same-key")
    assert again.reference == first.reference and not again.created
    assert (_count(store, "enquiries"), _count(store, "outbox")) == (1, 1)
    assert store.get(first.reference).name == "Sam Example"


def test_concurrent_sends_with_one_key_make_one_enquiry(store: EnquiryStore) -> None:
    store.engine  # noqa: B018 - migrate before the race
    barrier = threading.Barrier(4)
    results = []

    def send() -> None:
        barrier.wait()
        results.append(store.create(enquiry(), "raced-key"))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len({r.reference for r in results}) == 1 and len(results) == 4
    assert sum(r.created for r in results) == 1
    assert (_count(store, "enquiries"), _count(store, "outbox")) == (1, 1)


def test_enquiry_and_outbox_are_one_transaction(store: EnquiryStore) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE outbox"))
    with pytest.raises(StoreUnavailable):
        store.create(enquiry(), "key-atomic")
    assert _count(store, "enquiries") == 0


def test_invalid_enquiry_is_refused_before_the_database(store: EnquiryStore) -> None:
    with pytest.raises(InvalidEnquiry) as caught:
        store.create(enquiry(email="not-an-address"), "key-bad")
    assert caught.value.field == "email"
    assert _count(store, "enquiries") == 0


def test_list_get_and_mark_handled(store: EnquiryStore) -> None:
    first = store.create(enquiry(), "k1").reference
    second = store.create(enquiry(who_for="partner"), "k2").reference
    assert [r.reference for r in store.list()] == [first, second]
    assert store.get(first.lower().replace("-", " ")).reference == first
    assert store.get("TN-ZZZZ") is None
    assert store.mark_handled(first)
    assert not store.mark_handled("TN-ZZZZ")
    assert [r.reference for r in store.list()] == [second]
    assert [r.reference for r in store.list(include_handled=True)] == [first, second]
    handled = store.get(first)
    assert handled.handled_at is not None and not handled.is_open


def test_export_csv(store: EnquiryStore, tmp_path: Path) -> None:
    store.create(
        enquiry(name="=cmd Sam", phone="07911 123456", contact_method="either", message='a, "b"\nc'), "k1"
    )
    out = tmp_path / "export.csv"
    assert store.export_csv(out) == 1
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "'=cmd Sam"  # a spreadsheet will not run it as a formula
    assert row["phone"] == "+447911123456"
    assert row["message"] == 'a, "b"\nc'
    assert row["route"] == "individual" and row["notification"] == "pending"
    stream = io.StringIO()
    store.export_csv(stream)
    assert stream.getvalue().splitlines()[0].startswith("reference,created_at,route,name")


def test_erase_removes_enquiry_outbox_mail_and_conversation(store: EnquiryStore, tracker: TrackerDB) -> None:
    from assistant.enquiries.worker import run_once

    keep = store.create(enquiry(sender_id="visitor-keep"), "k-keep").reference
    gone = store.create(enquiry(sender_id="visitor-gone"), "k-gone").reference
    tracker.add("visitor-gone", count=3)
    tracker.add("visitor-keep", count=2)
    run_once(store)  # no SMTP host: notifications are written as .eml files
    mail_dir = store.config.mail_dir
    assert {p.name for p in mail_dir.iterdir()} == {f"{keep}.eml", f"{gone}.eml"}

    result = store.erase(gone.lower())
    assert (result.references, result.outbox_rows, result.mail_files, result.conversation_events) == (
        (gone,),
        1,
        1,
        3,
    )
    assert store.get(gone) is None and store.get(keep) is not None
    assert tracker.count("visitor-gone") == 0 and tracker.count("visitor-keep") == 2
    assert {p.name for p in mail_dir.iterdir()} == {f"{keep}.eml"}
    assert (_count(store, "enquiries"), _count(store, "outbox")) == (1, 1)
    assert store.erase(gone).enquiries == 0  # already gone: nothing to do


def test_erase_by_email_is_case_insensitive_and_covers_every_enquiry(
    store: EnquiryStore, tracker: TrackerDB
) -> None:
    store.create(enquiry(email="Pat@Example.com", sender_id="s1"), "k1")
    store.create(enquiry(email="pat@example.com", sender_id="s2"), "k2")
    other = store.create(enquiry(email="other@example.com", sender_id="s3"), "k3").reference
    for sender in ("s1", "s2", "s3"):
        tracker.add(sender)
    result = store.erase_by_email("  PAT@example.COM ")
    assert result.enquiries == 2 and result.conversation_events == 4
    assert [r.reference for r in store.list(include_handled=True)] == [other]
    assert tracker.count() == 2


def test_purge_erases_what_is_older_than_the_retention(store: EnquiryStore, tracker: TrackerDB) -> None:
    now = utcnow()
    old = store.create(enquiry(sender_id="old-visitor"), "k-old", now=now - timedelta(days=400)).reference
    new = store.create(enquiry(sender_id="new-visitor"), "k-new", now=now - timedelta(days=30)).reference
    tracker.add("old-visitor", when=now - timedelta(days=400))
    tracker.add("new-visitor", when=now - timedelta(days=30))
    tracker.add("old-chat-without-enquiry", when=now - timedelta(days=500))

    preview = store.purge(dry_run=True)
    assert preview.dry_run and preview.erased.references == (old,)
    assert preview.old_conversations == 2 and preview.erased.conversation_events == 4
    assert store.get(old) is not None and tracker.count() == 6  # nothing removed yet

    result = store.purge()
    assert result.erased.references == (old,)
    assert store.get(old) is None and store.get(new) is not None
    assert tracker.count() == 2 and tracker.count("new-visitor") == 2
    assert result.cutoff < now - timedelta(days=360)


def test_create_async_runs_off_the_loop_and_times_out(
    store: EnquiryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = asyncio.run(create_async(enquiry(), "k-async", store=store))
    assert result.created
    assert asyncio.run(create_async(enquiry(), "k-async", store=store)).reference == result.reference

    original = store.create

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "create", slow)
    with pytest.raises(StoreUnavailable) as caught:
        asyncio.run(create_async(enquiry(), "k-slow", store=store, timeout=0.2))
    assert caught.value.error == "TimeoutError"


def test_migrate_is_idempotent_and_safe_to_race(database_url: str) -> None:
    from assistant.enquiries.db import make_engine

    engine = make_engine(database_url)
    errors = []

    def run() -> None:
        try:
            migrate(engine)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert migrate(engine) == head_revision() == current_revision(engine)
    engine.dispose()


def test_unreachable_database_raises_store_unavailable(make_store, tmp_path: Path) -> None:
    down = make_store(f"postgresql+psycopg2://nobody@127.0.0.1:{free_port()}/none")
    with pytest.raises(StoreUnavailable) as caught:
        down.create(enquiry(), "k")
    assert caught.value.operation == "create" and caught.value.__cause__ is None
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with pytest.raises(StoreUnavailable):
        make_store(f"sqlite:///{blocked}/enquiries.db").list()


def test_sqlite_erase_leaves_no_trace_in_the_files(
    make_store, sqlite_url: str, tracker: TrackerDB, tmp_path
) -> None:
    canary = "Zebracanary Q"
    store = make_store(sqlite_url)
    reference = store.create(enquiry(name=canary, message=f"{canary} says hi", sender_id="v1"), "k").reference
    tracker.add("v1", text=f"my name is {canary}")
    store.create(enquiry(), "k-other")
    store.erase(reference)
    store.dispose()
    for path in (Path(sqlite_url.removeprefix("sqlite:///")), tracker.path):
        assert canary.encode() not in path.read_bytes(), path.name


def test_stored_times_are_utc(store: EnquiryStore) -> None:
    moment = datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    reference = store.create(enquiry(consent_at=moment), "k", now=moment).reference
    record = store.get(reference)
    assert record.created_at == moment and record.created_at.utcoffset() == timedelta(0)
