"""The therapist's command-line tool: list, show, handled, export, erase, purge."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import List, Tuple

import pytest

from assistant.enquiries import admin
from assistant.enquiries.models import utcnow
from assistant.enquiries.store import EnquiryStore
from assistant.enquiries.worker import run_once
from assistant.settings import PROJECT_ROOT
from tests.harness.ports import free_port
from tests.integration.support import TrackerDB, enquiry


def cli(store: EnquiryStore, *argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = admin.run(list(argv), store=store, stdout=out, stderr=err, stdin=io.StringIO())
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def filled(store: EnquiryStore, tracker: TrackerDB) -> List[str]:
    """Three enquiries (individual, couple/partner, general) with conversations and .eml files."""
    refs = [
        store.create(
            enquiry(name="Alex", email="alex@example.com", sender_id="s-alex", who_for="me"), "k1"
        ).reference,
        store.create(
            enquiry(name="Bo", email="bo@example.com", sender_id="s-bo", who_for="partner", message=None),
            "k2",
        ).reference,
        store.create(
            enquiry(
                name="Cy",
                contact_method="phone",
                email=None,
                phone="07911 123456",
                sender_id="s-cy",
                who_for=None,
            ),
            "k3",
        ).reference,
    ]
    for sender in ("s-alex", "s-bo", "s-cy"):
        tracker.add(sender, count=2)
    run_once(store)
    return refs


def test_list_shows_open_enquiries_with_their_route(store: EnquiryStore, filled: List[str]) -> None:
    code, out, _ = cli(store, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["REF", "RECEIVED", "ROUTE", "STATUS", "DELIVERY"]
    routes = {line.split()[0]: line.split()[4] for line in lines[1:]}
    assert routes == dict(zip(filled, ["individual", "couple_partner", "general"], strict=True))
    assert all(line.split()[5:7] == ["open", "sent"] for line in lines[1:])


def test_handled_then_list_open_and_all(store: EnquiryStore, filled: List[str]) -> None:
    code, out, _ = cli(store, "handled", filled[0].lower())
    assert (code, out.strip()) == (0, f"{filled[0]} marked handled")
    assert filled[0] not in cli(store, "list")[1]
    assert filled[0] not in cli(store, "list", "--open")[1]
    code, out, _ = cli(store, "list", "--all")
    assert code == 0 and filled[0] in out and "handled" in out
    assert cli(store, "handled", "TN-ZZZZ")[0] == admin.EXIT_NOT_FOUND


def test_show(store: EnquiryStore, filled: List[str]) -> None:
    code, out, _ = cli(store, "show", filled[2])
    assert code == 0
    assert "Route" in out and "general" in out
    assert "+447911123456" in out and "Cy" in out and "Consent text" in out
    code, _, err = cli(store, "show", "TN-ZZZZ")
    assert code == admin.EXIT_NOT_FOUND and "no enquiry TN-ZZZZ" in err


def test_export(store: EnquiryStore, filled: List[str], tmp_path: Path) -> None:
    code, out, _ = cli(store, "export")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["reference"] for r in rows] == filled
    assert [r["route"] for r in rows] == ["individual", "couple_partner", "general"]
    target = tmp_path / "out.csv"
    code, out, _ = cli(store, "export", "--out", str(target))
    assert code == 0 and "exported 3 enquiries" in out and target.exists()


def test_erase_by_reference(store: EnquiryStore, filled: List[str], tracker: TrackerDB) -> None:
    code, out, _ = cli(store, "erase", filled[0], "--yes")
    assert code == 0
    assert f"erased 1 enquiry: {filled[0]}" in out
    assert f"conversation events removed: 2 (tracker store {tracker.url})" in out
    assert "local email files removed:   1" in out
    assert tracker.count("s-alex") == 0 and tracker.count() == 4
    assert not (store.config.mail_dir / f"{filled[0]}.eml").exists()
    assert cli(store, "show", filled[0])[0] == admin.EXIT_NOT_FOUND
    assert cli(store, "erase", filled[0], "--yes")[0] == admin.EXIT_NOT_FOUND


def test_erase_by_email(store: EnquiryStore, filled: List[str], tracker: TrackerDB) -> None:
    code, out, _ = cli(store, "erase", "--email", "BO@example.com", "--yes")
    assert code == 0 and filled[1] in out
    assert tracker.count("s-bo") == 0
    assert [r.reference for r in store.list(include_handled=True)] == [filled[0], filled[2]]
    code, _, err = cli(store, "erase", "--email", "nobody@example.com", "--yes")
    assert code == admin.EXIT_NOT_FOUND and "no enquiry from nobody@example.com found" in err


def test_purge(store: EnquiryStore, tracker: TrackerDB) -> None:
    old = store.create(enquiry(sender_id="s-old"), "k-old", now=utcnow() - timedelta(days=800)).reference
    new = store.create(enquiry(sender_id="s-new"), "k-new").reference
    tracker.add("s-old", when=utcnow() - timedelta(days=800))
    tracker.add("s-new")
    code, out, _ = cli(store, "purge", "--dry-run")
    assert code == 0 and "would erase 1 enquiry" in out and old in out
    assert store.get(old) is not None
    code, out, _ = cli(store, "purge", "--yes")
    assert code == 0 and f"erased 1 enquiry: {old}" in out
    assert store.get(old) is None and store.get(new) is not None
    assert tracker.count("s-old") == 0 and tracker.count("s-new") == 2


def test_erase_asks_on_a_terminal(store: EnquiryStore, filled: List[str]) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = io.StringIO()
    code = admin.run(
        ["erase", filled[0]], store=store, stdout=out, stderr=io.StringIO(), stdin=Terminal("n\n")
    )
    assert code == admin.EXIT_CANCELLED and store.get(filled[0]) is not None
    code = admin.run(
        ["erase", filled[0]], store=store, stdout=out, stderr=io.StringIO(), stdin=Terminal("yes\n")
    )
    assert code == 0 and store.get(filled[0]) is None


def _command(*argv: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(PYTHONPATH=str(PROJECT_ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "assistant.enquiries.admin", *argv],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_command_line_exit_codes(sqlite_url: str, tmp_path: Path) -> None:
    env = {"DATABASE_URL": sqlite_url, "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    done = _command("list", **env)
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "no open enquiries (use --all to include handled ones)",
    )
    assert _command("show", "TN-ZZZZ", **env).returncode == admin.EXIT_NOT_FOUND
    assert _command("frobnicate", **env).returncode == admin.EXIT_USAGE
    assert _command("erase", **env).returncode == admin.EXIT_USAGE
    down = _command(
        "list", DATABASE_URL=f"postgresql+psycopg2://x@127.0.0.1:{free_port()}/x", DB_CONNECT_TIMEOUT="1"
    )
    assert down.returncode == admin.EXIT_UNAVAILABLE
    assert "unavailable (OperationalError)" in down.stderr and "Traceback" not in down.stderr
    assert not (tmp_path / "none.db").exists()  # looking for conversations never creates a tracker store
