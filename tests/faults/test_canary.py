"""The canary probe: words a visitor types where the product promises to keep nothing are found
nowhere afterwards.

A visitor, in Chromium through the widget and the web front, types a unique made-up word
(a canary) in a safety disclosure and in the messages after it, in reflection answers
(then clicks "Read more about this"), in an enquiry they cancel, and in an enquiry they
send while the enquiry database fails once (and is back for the second try). Every
process is started with ``LOG_LEVEL=DEBUG``, which the assistant must refuse. Afterwards
no canary may be found in any file under the project's ``var/`` or the stack's own
folder (tracker database, mail folder, logs, the web front's log), in any log, in the PostgreSQL data files,
or in the widget's sessionStorage or localStorage. The one exception is the sent
enquiry, which must be in the enquiries store (and only there).
"""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path
from typing import Dict, Iterable, Iterator, List

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, start_web_front
from tests.browser.helpers import Chat
from tests.faults.conftest import running_stack
from tests.harness.postgres import Postgres
from tests.harness.served import Served as Stack

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"\bTN-[A-Z0-9]{4,}\b")


def canary(place: str) -> str:
    """A made-up word no model, file or log contains by chance."""
    return f"kwazel{place}{uuid.uuid4().hex[:8]}"


CANARIES: Dict[str, str] = {
    place: canary(place)
    for place in (
        "disclosure",
        "after",
        "thanks",
        "reflecta",
        "reflectb",
        "reflectc",
        "cancelled",
        "cancelledmsg",
    )
}
SENT = canary("sent")


def files_under(folders: Iterable[Path]) -> Iterator[Path]:
    for folder in folders:
        if folder.is_file():
            yield folder
        elif folder.exists():
            yield from (path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def find(words: Iterable[str], folders: Iterable[Path]) -> Dict[str, List[str]]:
    """Which of ``words`` occur (as bytes, case-insensitively) in which files under ``folders``."""
    needles = {word: word.lower().encode() for word in words}
    found: Dict[str, List[str]] = {}
    for path in files_under(folders):
        try:
            data = path.read_bytes().lower()
        except OSError:
            continue
        for word, needle in needles.items():
            if needle in data:
                found.setdefault(word, []).append(str(path))
    return found


@pytest.fixture(scope="module")
def canary_stack(postgres: Postgres) -> Iterator[Stack]:
    # DEBUG asked for, and refused (scripts/serve.sh, assistant/log_guard.py).
    with running_stack(postgres, LOG_LEVEL="DEBUG", ALLOW_DEBUG_LOGS="0") as stack:
        yield stack


def test_no_canary_survives_anywhere_but_the_sent_enquiry(canary_stack: Stack, postgres: Postgres) -> None:
    stack = canary_stack
    web_log = stack.log_dir / "web-canary.log"
    front = start_web_front(stack.rasa_url, web_log, {"LOG_LEVEL": "DEBUG", "RATE_LIMIT_PER_ADDRESS": "0"})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            page = context.new_page()
            page.set_default_timeout(15_000)
            chat = Chat(page, front.base_url).goto().open()

            # A disclosure, and the messages after it (the safety context).
            c = CANARIES
            reply = chat.ask(
                f"i cant do this anymore, i want to kill myself tonight. {c['disclosure']} is my username"
            )
            assert "Samaritans" in reply or "999" in reply, reply
            chat.ask(f"i'm not going to phone anyone, {c['after']} knows nothing about this")
            chat.ask(f"thanks {c['thanks']}")

            # A reflection, then the read-more click.
            chat.ask("Can we do the private reflection?")
            chat.ask("Yes, let's begin")
            chat.ask(f"lonely late at night after {c['reflecta']} goes to bed")
            chat.ask(f"the rush when {c['reflectb']} replies")
            chat.ask("skip")
            chat.ask(f"I hide it from my wife, she thinks {c['reflectc']} is a work chat")
            chat.ask("my sleep is terrible")
            summary = chat.ask("more real closeness")
            assert "diagnosis" in summary, summary
            chat.click_button("Read more about this")
            chat.wait_for_reply()

            # An enquiry, cancelled half way.
            chat.ask("Send an enquiry")
            chat.ask(f"{c['cancelled']}")
            chat.ask("By email")
            chat.ask(f"{c['cancelledmsg']}@example.com")
            chat.ask("stop")

            # An enquiry sent while the enquiry database fails once.
            chat.ask("Send an enquiry")
            chat.ask(f"Sam {SENT}")
            chat.ask("By email")
            chat.ask("sam.canary@example.com")
            chat.ask("Just me")
            chat.ask("skip")
            chat.ask(f"I'd like to talk about my use of the apps. Sam ({SENT})")
            assert SENT in chat.ask("Yes, I agree")
            postgres.stop()
            try:
                failed = chat.ask("Send it")
                assert "couldn't confirm" in failed and not REFERENCE.search(failed), failed
            finally:
                postgres.start()
            assert REFERENCE.search(chat.ask("Send it"))

            storage = page.evaluate("() => JSON.stringify([sessionStorage, localStorage])")
            context.close()
            browser.close()
    finally:
        front.process.terminate()
        front.process.wait(timeout=10)
    stack.stop_all()  # every log and database file is complete

    everything = [*CANARIES.values(), SENT]
    assert not [word for word in everything if word.lower() in storage.lower()], "canary in web storage"

    files = find(everything, [ROOT / "var", stack.dir])
    assert files == {}, f"canaries found in files: {files}"

    # The PostgreSQL data files: the sent enquiry and nothing else.
    url = f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres"
    subprocess.run(
        [*postgres.as_user, str(postgres.bin / "psql"), "-d", url, "-c", "CHECKPOINT"],
        capture_output=True,
        timeout=60,
    )
    in_database = find(everything, [postgres.data])
    assert set(in_database) <= {SENT}, f"canaries in the database files: {in_database}"
    in_server_log = find(everything, [postgres.base / "log"]) if (postgres.base / "log").exists() else {}
    assert in_server_log == {}, f"canaries in the database server's log: {in_server_log}"
    dump = subprocess.run(
        [*postgres.as_user, str(postgres.bin / "pg_dump"), "--data-only", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dump.returncode == 0, dump.stderr
    assert SENT in dump.stdout, "the sent enquiry is missing from the enquiries store"
    assert not [word for word in CANARIES.values() if word in dump.stdout]

    logs = stack.logs()  # the web front's log (web-canary.log) included
    assert "DEBUG logging refused" in logs
    debug_lines = [
        line for line in logs.splitlines() if re.search(r"\bDEBUG\b", line) and "refused" not in line
    ]
    assert debug_lines == [], debug_lines[:5]
