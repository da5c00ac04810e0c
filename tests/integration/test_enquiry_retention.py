"""The worker runs the retention purge once a day, on the clock it is given.

A fake clock drives ``run_forever``: every wait moves it on half an hour, so three simulated days
take under two hundred polls and no real time. The purge must run once a day, not on every poll,
and use the worker's clock (so what it erases is judged against the same "now").
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable, List

import pytest

from assistant.enquiries.errors import StoreUnavailable
from assistant.enquiries.store import EnquiryStore
from assistant.enquiries.worker import run_forever
from tests.integration.support import TrackerDB, enquiry

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
STEP = timedelta(minutes=30)


class FakeClock:
    """A clock that moves only when the worker waits."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.waits = 0

    def __call__(self) -> datetime:
        return self.now


def drive(store: EnquiryStore, clock: FakeClock, until: datetime) -> None:
    """Run the worker's loop until the fake clock reaches ``until``."""
    stop = threading.Event()

    def wait(_seconds: float) -> bool:
        clock.waits += 1
        clock.now += STEP
        if clock.now >= until:
            stop.set()
        return stop.is_set()

    run_forever(store, stop, clock=clock, wait=wait)


def spy_on_purge(store: EnquiryStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> List[datetime]:
    calls: List[datetime] = []
    purge: Callable = store.purge

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(clock.now)
        return purge(*args, **kwargs)

    monkeypatch.setattr(store, "purge", counted)
    return calls


def test_the_worker_purges_once_a_day_not_on_every_poll(
    make_store, sqlite_url: str, tracker: TrackerDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(sqlite_url)  # retention: 12 months
    expired = store.create(enquiry(sender_id="s-old"), "k1", now=START - timedelta(days=400)).reference
    kept = store.create(enquiry(sender_id="s-new"), "k2", now=START - timedelta(days=300)).reference
    tracker.add("s-old", when=START - timedelta(days=400))
    tracker.add("s-new", when=START - timedelta(days=300))
    clock = FakeClock(START)
    purges = spy_on_purge(store, clock, monkeypatch)

    drive(store, clock, until=START + timedelta(hours=23))
    assert clock.waits > 40 and len(purges) == 1  # once, early, not on every poll
    assert purges[0] - START <= STEP
    assert store.get(expired) is None and tracker.count("s-old") == 0
    assert store.get(kept) is not None and tracker.count("s-new") == 2

    drive(store, clock, until=START + timedelta(days=2, hours=12))
    # A second run_forever is a restarted worker: it purges soon after starting, then daily.
    assert len(purges) == 3
    assert purges[2] - purges[1] >= timedelta(days=1)


def test_one_worker_purges_daily_across_days(
    make_store, sqlite_url: str, tracker: TrackerDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(sqlite_url)
    clock = FakeClock(START)
    purges = spy_on_purge(store, clock, monkeypatch)
    drive(store, clock, until=START + timedelta(days=3, hours=1))
    assert len(purges) == 4  # soon after start, then after one, two and three days
    gaps = [later - earlier for earlier, later in zip(purges, purges[1:], strict=False)]
    assert all(timedelta(days=1) <= gap <= timedelta(days=1) + STEP for gap in gaps)


def test_a_failed_purge_is_logged_at_error_and_retried_within_hours(
    make_store, sqlite_url: str, tracker: TrackerDB, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    store = make_store(sqlite_url)
    clock = FakeClock(START)
    calls: List[datetime] = []

    def failing(*_args: object, **_kwargs: object) -> None:
        calls.append(clock.now)
        raise StoreUnavailable("purge", "OperationalError")

    monkeypatch.setattr(store, "purge", failing)
    caplog.set_level(logging.INFO)
    drive(store, clock, until=START + timedelta(hours=6))
    assert 3 <= len(calls) <= 8  # retried hourly, not on every poll and not a day later
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and "purge" in r.getMessage()]
    assert errors and "OperationalError" in errors[0].getMessage()
