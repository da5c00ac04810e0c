"""Browser tests: the real assistant (scripts/serve.sh), the web front, Debian's chromium.

Session fixtures start, on free ports, the action server and Rasa (as the end-to-end
tests do) and the web front (``python -m assistant.web``) in front of them, plus a
second web front whose chat server is down. Each test gets a fresh browser context
(its own sessionStorage, like a new tab) and a ``chat`` driver (tests/browser/helpers.py).

Environment:
  CHROMIUM           the browser binary (default /usr/bin/chromium)
  BROWSER_RASA_URL   use an already running Rasa instead of starting one (for quick runs)
  BROWSER_HEADED=1   show the browser
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Playwright, sync_playwright

from tests.browser.helpers import INIT_SCRIPT, Chat

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "var" / "log" / "browser"
RESULTS_DIR = ROOT / "results" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1024, "height": 768}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f}s")


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


@dataclass
class WebFront:
    """A running web front."""

    base_url: str
    process: subprocess.Popen


def start_web_front(rasa_url: str, name: str, extra_env: Dict[str, str] | None = None) -> WebFront:
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "RASA_URL": rasa_url,
        **(extra_env or {}),
    }
    log = (LOG_DIR / f"{name}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.web"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(base_url, 30)
    except RuntimeError:
        process.terminate()
        raise
    return WebFront(base_url=base_url, process=process)


@contextmanager
def serving(extra_env: Dict[str, str], log_dir: Path) -> Iterator[str]:
    """scripts/serve.sh on free ports with ``extra_env``; yields Rasa's URL, stops it after."""
    rasa_port, actions_port = free_port(), free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **extra_env,
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "LOG_DIR": str(log_dir),
        # Every test browser reaches Rasa from 127.0.0.1 through the web front, so the
        # per-address limit would count the whole suite as one visitor. The per-sender
        # limit stays as configured (tests start a new conversation well before it).
        "RATE_LIMIT_PER_ADDRESS": os.environ.get("RATE_LIMIT_PER_ADDRESS", "100000"),
    }
    proc = subprocess.run(
        ["scripts/serve.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400
    )
    pids: List[int] = [int(line.split("=", 1)[1]) for line in proc.stdout.splitlines() if "_pid=" in line]
    try:
        assert proc.returncode == 0, f"servers did not start (see {log_dir}): {proc.stderr}"
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        for pid in pids:
            _stop(pid)


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    """The chat server: started with scripts/serve.sh on free ports (or BROWSER_RASA_URL)."""
    if os.environ.get("BROWSER_RASA_URL"):
        yield os.environ["BROWSER_RASA_URL"].rstrip("/")
        return
    with serving({}, LOG_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def site(rasa_url: str) -> Iterator[str]:
    """The demo page's address, served by the web front in front of the running assistant."""
    front = start_web_front(rasa_url, "web")
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
def site_chat_down() -> Iterator[str]:
    """A web front whose chat server is not running (nothing listens on its port)."""
    front = start_web_front(f"http://127.0.0.1:{free_port()}", "web-chat-down")
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
def results_dir() -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    return RESULTS_DIR


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
    base = tmp_path_factory.mktemp("isolated-stack")
    logs = LOG_DIR / "isolated"
    enquiry_env = {
        "DATABASE_URL": f"sqlite:///{base / 'enquiries.db'}",
        "TRACKER_DB_URL": f"sqlite:///{base / 'tracker.db'}",
        "MAIL_DIR": str(base / "mail"),
    }
    with serving(enquiry_env, logs) as url:
        yield IsolatedStack(url, enquiry_env)
