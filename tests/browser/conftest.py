"""Browser tests: the real assistant (scripts/serve.sh), the web front, Debian's chromium.

Session fixtures start, on free ports, the action server and Rasa (the harness's
``tests/harness/served.py``, as the end-to-end tests do) and the web front
(``python -m assistant.web``) in front of them, plus a second web front whose chat server is
down. Logs, databases and screenshots go to temporary folders. Each test gets a fresh browser context
(its own sessionStorage, like a new tab) and a ``chat`` driver (tests/browser/helpers.py).

Environment:
  CHROMIUM           the browser binary (default /usr/bin/chromium)
  BROWSER_RASA_URL   use an already running Rasa instead of starting one (for quick runs)
  BROWSER_HEADED=1   show the browser
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Playwright, sync_playwright

from tests.browser.helpers import INIT_SCRIPT, Chat
from tests.harness.folders import browser_results
from tests.harness.ports import free_port, wait_http
from tests.harness.served import serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1024, "height": 768}


@lru_cache(maxsize=1)
def log_dir() -> Path:
    """A temporary folder for the web fronts' logs (created on first use, kept for reading)."""
    return Path(tempfile.mkdtemp(prefix="browser-logs-"))


@dataclass
class WebFront:
    """A running web front."""

    base_url: str
    process: subprocess.Popen


def start_web_front(rasa_url: str, log: str | Path, extra_env: Dict[str, str] | None = None) -> WebFront:
    """``python -m assistant.web`` on a free port in front of ``rasa_url``; ``log`` is a file, or a
    name for one in :func:`log_dir`."""
    port = free_port()
    log_path = Path(log) if isinstance(log, Path) else log_dir() / f"{log}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "RASA_URL": rasa_url,
        **(extra_env or {}),
    }
    with log_path.open("a") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.web"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(base_url, 30)
    except TimeoutError:
        process.terminate()
        raise
    return WebFront(base_url=base_url, process=process)


# The settings a web front shares with the served assistant: its databases and mail folder.
SHARED_ENV = ("DATABASE_URL", "TRACKER_DB_URL", "MAIL_DIR")


@pytest.fixture(scope="session")
def served_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, str]]:
    """The chat server, the harness's (tests/harness/served.py) on free ports with its databases,
    mail and logs in a temporary folder: ``RASA_URL`` and the settings a web front shares with it
    (or only ``RASA_URL``, from BROWSER_RASA_URL, to use one already running)."""
    if os.environ.get("BROWSER_RASA_URL"):
        folder = tmp_path_factory.mktemp("browser-web")
        yield {
            "RASA_URL": os.environ["BROWSER_RASA_URL"].rstrip("/"),
            "DATABASE_URL": f"sqlite:///{folder / 'enquiries.db'}",
            "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
            "MAIL_DIR": str(folder / "mail"),
        }
        return
    with serving(tmp_path_factory.mktemp("browser-served")) as served:
        yield {"RASA_URL": served.rasa_url, **{key: served.env[key] for key in SHARED_ENV}}


@pytest.fixture(scope="session")
def rasa_url(served_env: Dict[str, str]) -> str:
    return served_env["RASA_URL"]


@pytest.fixture(scope="session")
def site(served_env: Dict[str, str]) -> Iterator[str]:
    """The demo page's address, served by the web front in front of the running assistant."""
    front = start_web_front(served_env["RASA_URL"], "web", {key: served_env[key] for key in SHARED_ENV})
    # Warm the model up so the first test does not pay for it.
    requests.post(
        front.base_url + "webhooks/rest/webhook", json={"sender": "warmup-0000", "start": True}, timeout=60
    )
    try:
        yield front.base_url
    finally:
        front.process.terminate()
        front.process.wait(timeout=10)


@pytest.fixture(scope="session")
def site_chat_down(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A web front whose chat server is not running (nothing listens on its port)."""
    folder = tmp_path_factory.mktemp("browser-chat-down")
    front = start_web_front(
        f"http://127.0.0.1:{free_port()}",
        "web-chat-down",
        {
            "DATABASE_URL": f"sqlite:///{folder / 'enquiries.db'}",
            "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
        },
    )
    try:
        yield front.base_url
    finally:
        front.process.terminate()
        front.process.wait(timeout=10)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=os.environ.get("BROWSER_HEADED") != "1"
    )
    yield browser
    browser.close()


class PageEvents:
    """What happened in a page that a test may assert on: dialogs, script errors."""

    def __init__(self) -> None:
        self.dialogs: List[str] = []
        self.errors: List[str] = []

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def new_page(context: BrowserContext, events: PageEvents) -> Page:
    page = context.new_page()
    page.on("dialog", events.on_dialog)
    page.on("pageerror", lambda exc: events.errors.append(str(exc)))
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def context_options() -> Dict[str, object]:
    """Options for the test's browser context; override in a module for other sizes."""
    return {"viewport": VIEWPORT}


@pytest.fixture
def context(browser: Browser, context_options: Dict[str, object]) -> Iterator[BrowserContext]:
    context = browser.new_context(**context_options)
    context.add_init_script(INIT_SCRIPT)
    yield context
    context.close()


@pytest.fixture
def events() -> PageEvents:
    return PageEvents()


@pytest.fixture
def page(context: BrowserContext, events: PageEvents) -> Page:
    return new_page(context, events)


@pytest.fixture
def chat(page: Page, site: str) -> Chat:
    """The demo page, loaded, with the widget ready (not opened)."""
    return Chat(page, site).goto()


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots and axe reports: BROWSER_RESULTS_DIR (scripts/test.sh sets one), else a temporary folder."""
    return browser_results(tmp_path_factory.mktemp("browser-results"))


@dataclass
class IsolatedStack:
    """The assistant (worker, action server, Rasa) on databases of its own in a temporary folder."""

    rasa_url: str
    # The enquiry settings it runs with (DATABASE_URL, TRACKER_DB_URL, MAIL_DIR): give them to a
    # web front or an EnquiryStore so they use the same temporary databases.
    env: Dict[str, str]


@pytest.fixture(scope="module")
def isolated_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IsolatedStack]:
    """scripts/serve.sh on free ports with a temporary enquiry database, tracker store and mail
    folder, for tests that read, export or erase enquiries: the real ``var/`` databases (and
    whatever enquiries they hold) are never opened."""
    with serving(tmp_path_factory.mktemp("isolated-stack")) as served:
        enquiry_env = {key: served.env[key] for key in ("DATABASE_URL", "TRACKER_DB_URL", "MAIL_DIR")}
        yield IsolatedStack(served.rasa_url, enquiry_env)
