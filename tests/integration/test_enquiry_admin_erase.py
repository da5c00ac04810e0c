"""Erase and purge either reach the assistant's tracker store or fail loudly, and never act unasked.

The admin tool resolves the tracker store as the assistant does (``TRACKER_DB_URL``, else
``var/tracker.db`` under the project root). If that store cannot be opened or has no ``events``
table, erase and purge stop with exit 3 and a message naming the store, before anything is
erased: "conversation events removed: 0" must mean there were none. They ask for confirmation
unless ``--yes`` is given; with no terminal to ask on and no ``--yes`` they refuse (exit 4).
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Tuple

import pytest

from assistant.enquiries import admin
from assistant.enquiries.models import utcnow
from assistant.enquiries.store import EnquiryStore
from assistant.settings import PROJECT_ROOT
from tests.harness.ports import free_port
from tests.integration.support import TrackerDB, enquiry


def cli(store: EnquiryStore, *argv: str, stdin: io.StringIO | None = None) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = admin.run(list(argv), store=store, stdout=out, stderr=err, stdin=stdin or io.StringIO())
    return code, out.getvalue(), err.getvalue()


# -- confirmation ------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["erase", "{ref}"], ["erase", "--email", "sam@example.com"], ["purge"]])
def test_without_a_terminal_and_without_yes_nothing_is_erased(
    store: EnquiryStore, tracker: TrackerDB, argv: list
) -> None:
    reference = store.create(
        enquiry(email="sam@example.com", sender_id="s-1"), "k", now=utcnow() - timedelta(days=800)
    ).reference
    tracker.add("s-1", when=utcnow() - timedelta(days=800))
    code, out, err = cli(store, *(arg.format(ref=reference) for arg in argv))
    assert code == admin.EXIT_CANCELLED
    assert "--yes" in err and "terminal" in err
    assert store.get(reference) is not None and tracker.count("s-1") == 2


def test_yes_erases_without_a_terminal(store: EnquiryStore, tracker: TrackerDB) -> None:
    reference = store.create(enquiry(sender_id="s-1"), "k").reference
    tracker.add("s-1")
    code, out, _ = cli(store, "erase", reference, "--yes")
    assert code == 0 and "conversation events removed: 2" in out
    assert tracker.url in out  # the therapist sees which tracker store was used
    assert store.get(reference) is None and tracker.count("s-1") == 0


# -- the tracker store -------------------------------------------------------------------------


def _missing(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'elsewhere' / 'tracker.db'}"


def _no_events_table(tmp_path: Path) -> str:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    return f"sqlite:///{path}"


def _unreachable(_tmp_path: Path) -> str:
    return f"postgresql+psycopg2://rasa:hunter2@127.0.0.1:{free_port()}/rasa"


@pytest.mark.parametrize("tracker_url", [_missing, _no_events_table, _unreachable])
@pytest.mark.parametrize("argv", [["erase", "{ref}", "--yes"], ["purge", "--yes"], ["purge", "--dry-run"]])
def test_an_unusable_tracker_store_fails_loudly_and_erases_nothing(
    make_store, sqlite_url: str, tmp_path: Path, tracker_url, argv: list
) -> None:
    url = tracker_url(tmp_path)
    store = make_store(sqlite_url, TRACKER_DB_URL=url)
    reference = store.create(enquiry(), "k", now=utcnow() - timedelta(days=800)).reference
    code, out, err = cli(store, *(arg.format(ref=reference) for arg in argv))
    assert code == admin.EXIT_UNAVAILABLE, (out, err)
    assert "TRACKER_DB_URL" in err and "conversation" in err
    assert url.replace("hunter2", "***") in err and "hunter2" not in err  # the store named, no password
    assert "Traceback" not in err and "removed: 0" not in out
    assert store.get(reference) is not None  # nothing erased
    assert not (tmp_path / "elsewhere").exists()  # and no tracker store created by looking


def test_erase_checks_the_tracker_store_before_asking(make_store, sqlite_url: str, tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    store = make_store(sqlite_url, TRACKER_DB_URL=_missing(tmp_path))
    reference = store.create(enquiry(), "k").reference
    code, out, err = cli(store, "erase", reference, stdin=Terminal("yes\n"))
    assert code == admin.EXIT_UNAVAILABLE and "[y/N]" not in out
    assert store.get(reference) is not None


def test_the_command_resolves_a_relative_tracker_url_against_the_project(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Run from another directory, a relative TRACKER_DB_URL still means the project's file."""
    name = f"var/missing-{uuid.uuid4().hex[:8]}.db"
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRACKER_DB_URL"}}
    environment.update(
        PYTHONPATH=str(PROJECT_ROOT), DATABASE_URL=sqlite_url, TRACKER_DB_URL=f"sqlite:///{name}"
    )
    done = subprocess.run(
        [sys.executable, "-m", "assistant.enquiries.admin", "purge", "--yes"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == admin.EXIT_UNAVAILABLE, done.stderr
    assert str(PROJECT_ROOT / name) in done.stderr and "Traceback" not in done.stderr
    assert not (PROJECT_ROOT / name).exists() and not (tmp_path / name).exists()
