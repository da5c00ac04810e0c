"""The therapist's inbox in Debian's chromium: login, wrong password, lockout, TOTP, CSRF, expiry,
list/detail/handled/export/erase, anonymous refusal, keyboard only, axe-core, screenshots.

No Rasa: a web front (``python -m assistant.web``) runs on a free port over a temporary enquiry
database and tracker store, and enquiries are written straight into the store, as the chat's
action would. Each test uses enquiries and (where it changes one) an account of its own, so
the tests run in any order. Artefacts: ``results/browser/admin-*.png`` (login, list and detail
at 1280 and 390 px wide) and ``results/browser/axe-admin-*.json``.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pyotp
import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.config import load_config
from assistant.enquiries.store import EnquiryStore
from tests.browser.conftest import PageEvents, new_page, start_web_front
from tests.browser.test_accessibility import run_axe
from tests.harness.ports import free_port
from tests.integration.support import TrackerDB, enquiry

PASSWORD = "a long and private passphrase"
SECRET_MESSAGE = "I hide my phone from my partner every evening"
WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
# axe rules accepted on the inbox's pages, each with its reason. Any other violation, whatever its
# impact, fails the test (items axe could not decide, "incomplete", are recorded, not failed).
ACCEPTED_AXE_RULES: Dict[str, str] = {}


def axe_failures(found: List[Dict[str, object]]) -> List[Dict[str, object]]:
    """Every violation axe found, but for the rules accepted above."""
    return [v for v in found if v["kind"] == "violations" and v["id"] not in ACCEPTED_AXE_RULES]


@dataclass
class Inbox:
    """A running web front with its own enquiry database."""

    base_url: str
    store: EnquiryStore
    tracker: TrackerDB
    accounts: AdminAccounts

    @property
    def admin(self) -> str:
        return self.base_url + "admin/"

    def add_enquiry(self, **changes: object) -> tuple[str, str]:
        """A new enquiry with a conversation in the tracker store; returns (reference, sender id)."""
        data = enquiry(**changes)
        reference = self.store.create(data, uuid.uuid4().hex).reference
        self.tracker.add(data.sender_id or "", count=4)
        return reference, data.sender_id or ""

    def new_user(self, prefix: str) -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:6]}"
        self.accounts.set_password(name, PASSWORD)
        return name


def _start(name: str, extra: Dict[str, str]) -> Iterator[Inbox]:
    base = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    tracker = TrackerDB(base / "tracker.db")
    env = {
        "DATABASE_URL": f"sqlite:///{base / 'enquiries.db'}",
        "TRACKER_DB_URL": tracker.url,
        "MAIL_DIR": str(base / "mail"),
        "ADMIN_LOGIN_DELAY": "0.2",
        "ADMIN_LOGIN_RATE": "0",
        "ADMIN_MAX_FAILURES": "3",
        "ENQUIRY_MAX_PER_ADDRESS_PER_DAY": "0",
        **extra,
    }
    store = EnquiryStore(config=load_config(env))
    accounts = AdminAccounts(store)
    accounts.set_password("therapist", PASSWORD)
    front = start_web_front(f"http://127.0.0.1:{free_port()}", name, env)
    try:
        yield Inbox(front.base_url, store, tracker, accounts)
    finally:
        front.process.terminate()
        front.process.wait(timeout=10)
        store.dispose()


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    yield from _start("web-admin", {})


@pytest.fixture(scope="module")
def short_inbox() -> Iterator[Inbox]:
    """A web front whose sessions end after 2 idle seconds."""
    yield from _start("web-admin-short", {"ADMIN_IDLE_SECONDS": "2"})


def log_in(page: Page, inbox: Inbox, user: str = "therapist", password: str = PASSWORD) -> None:
    page.goto(inbox.admin + "login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def open_enquiry(page: Page, reference: str) -> None:
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enquiry {reference}")


def no_enquiry_data(text: str, *values: str) -> bool:
    return not any(value and value in text for value in values)


# -- login -----------------------------------------------------------------------------------------


def test_login_then_the_inbox_newest_first(page: Page, inbox: Inbox, events: PageEvents) -> None:
    older, _ = inbox.add_enquiry()
    newer, _ = inbox.add_enquiry(who_for="partner")
    log_in(page, inbox)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiries")
    rows = page.locator("tbody tr").all_inner_texts()
    positions = [i for i, row in enumerate(rows) if older in row or newer in row]
    assert newer in rows[positions[0]] and older in rows[positions[1]], "newest first"
    row = page.locator("tbody tr", has_text=newer)
    expect(row).to_contain_text("couple or partner")
    expect(row).to_contain_text("new")
    expect(row).to_contain_text("pending")
    for url in [page.url, *page.locator("a, form").evaluate_all("els => els.map(e => e.href || e.action)")]:
        assert no_enquiry_data(url, older, newer, "sam@example.com")
    assert page.evaluate("() => window.__cspViolations") == []
    assert events.errors == []


def test_wrong_password_is_refused_with_a_message(page: Page, inbox: Inbox) -> None:
    log_in(page, inbox, password="this is not the password")
    expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password.")
    expect(page).to_have_url(inbox.admin + "login")
    assert page.locator("table").count() == 0


def test_lockout_after_repeated_wrong_passwords(page: Page, inbox: Inbox) -> None:
    user = inbox.new_user("lock")
    for _ in range(2):
        log_in(page, inbox, user=user, password="wrong password, again")
        expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password.")
    started = time.monotonic()
    log_in(page, inbox, user=user, password="wrong password, again")
    assert time.monotonic() - started >= 0.2, "a wrong password is answered after a delay"
    # Locked: the same answer as a wrong password (nobody learns that the account exists).
    expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password.")
    log_in(page, inbox, user=user)  # the right password, while this address is locked
    expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def test_totp_set_up_with_a_qr_code_then_required_at_login(
    page: Page, inbox: Inbox, results_dir: Path
) -> None:
    user = inbox.new_user("totp")
    log_in(page, inbox, user=user)
    page.get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Set up two-step login").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("figure.qr code").inner_text()
    violations = run_axe(page)
    (results_dir / "axe-admin-totp.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")
    assert axe_failures(violations) == [], json.dumps(violations, indent=2)
    page.get_by_label("The 6-digit code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-step login").click()
    expect(page.get_by_role("status")).to_have_text("Two-step login is on.")
    page.get_by_role("button", name="Log out", exact=True).click()
    log_in(page, inbox, user=user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Security code")
    page.get_by_label("The 6-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("That code is not right.")
    code_page = page.content()
    violations = run_axe(page)
    assert axe_failures(violations) == [], json.dumps(violations, indent=2)
    page.get_by_role("button", name="Cancel and log out").click()  # stuck at the code: leave
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_role("status")).to_have_text("You have logged out.")
    assert "inbox_session" not in str(page.context.cookies())
    assert "Cancel and log out" in code_page
    log_in(page, inbox, user=user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Security code")
    # The code of the next 30-second step: the one typed at set-up is never accepted twice.
    page.get_by_label("The 6-digit code from your authenticator app").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiries")


def test_a_forged_csrf_token_is_refused(page: Page, inbox: Inbox) -> None:
    reference, _ = inbox.add_enquiry()
    log_in(page, inbox)
    open_enquiry(page, reference)
    page.locator("form:has(button:text('Mark handled')) input[name=csrf]").evaluate("e => e.value = 'forged'")
    page.get_by_role("button", name="Mark handled").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    assert inbox.store.get(reference).is_open


def test_the_session_expires_when_idle(page: Page, short_inbox: Inbox) -> None:
    reference, _ = short_inbox.add_enquiry()
    log_in(page, short_inbox)
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    time.sleep(2.5)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page).to_have_url(short_inbox.admin + "login")
    assert reference not in page.content()


def test_log_out_everywhere_ends_the_other_browsers_session(browser: Browser, inbox: Inbox) -> None:
    first, second = browser.new_context(), browser.new_context()
    try:
        one, two = first.new_page(), second.new_page()
        log_in(one, inbox)
        log_in(two, inbox)
        one.get_by_role("link", name="Security").click()
        one.get_by_role("button", name="Log out everywhere").click()
        expect(one.get_by_role("status")).to_have_text("You have logged out everywhere.")
        two.reload()
        expect(two.get_by_role("heading", level=1)).to_have_text("Log in")
    finally:
        first.close()
        second.close()


# -- the enquiries -----------------------------------------------------------------------------------


def test_detail_read_handled_export_and_erase(page: Page, inbox: Inbox) -> None:
    reference, sender = inbox.add_enquiry(message=SECRET_MESSAGE)
    log_in(page, inbox)
    open_enquiry(page, reference)
    expect(page.locator(".message")).to_have_text(SECRET_MESSAGE)
    assert no_enquiry_data(page.url, reference, sender)
    page.get_by_role("link", name="Back to the enquiries").click()
    expect(page.locator("tbody tr", has_text=reference)).to_contain_text("read")
    open_enquiry(page, reference)
    page.get_by_role("button", name="Mark handled").click()
    expect(page.locator(".fields")).to_contain_text("handled on")
    assert inbox.store.get(reference).status == "handled"

    page.get_by_role("link", name="Back to the enquiries").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export all as CSV").click()
    rows = list(csv.DictReader(open(download.value.path(), encoding="utf-8")))
    assert reference in {row["reference"] for row in rows}

    open_enquiry(page, reference)
    page.get_by_role("link", name="Erase this enquiry…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Erase enquiry {reference}?")
    page.get_by_role("link", name="Cancel").click()
    assert inbox.store.get(reference) is not None
    page.get_by_role("link", name="Erase this enquiry…").click()
    page.get_by_role("button", name=f"Erase {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference} erased")
    expect(page.locator("main")).to_contain_text("Conversation events removed: 4")
    assert inbox.store.get(reference) is None and inbox.tracker.count(sender) == 0


def test_search_by_email_is_a_post_and_finds_the_enquiry(page: Page, inbox: Inbox) -> None:
    address = f"search-{uuid.uuid4().hex[:6]}@example.com"
    reference, _ = inbox.add_enquiry(email=address)
    log_in(page, inbox)
    posts: List[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_label("Find by reference or email address").fill(address.upper())
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("^1 found"))
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    assert posts and all(no_enquiry_data(url, address, address.upper(), reference) for url in posts)
    assert no_enquiry_data(page.url, address, reference)


def test_a_failed_notification_and_an_overdue_reply_are_flagged(page: Page, inbox: Inbox) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from assistant.enquiries.models import Enquiry, Outbox, utcnow

    reference, _ = inbox.add_enquiry()
    with inbox.store.session() as session:
        enquiry_id = session.query(Enquiry.id).filter(Enquiry.reference == reference).scalar()
        session.execute(
            update(Enquiry).where(Enquiry.id == enquiry_id).values(created_at=utcnow() - timedelta(days=7))
        )
        session.execute(
            update(Outbox)
            .where(Outbox.enquiry_id == enquiry_id)
            .values(status="failed", last_error="SMTPAuthenticationError 535")
        )
    log_in(page, inbox)
    expect(page.locator(".warning[role=alert]")).to_contain_text(reference)
    row = page.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("reply overdue")
    expect(row).to_contain_text("not delivered")


def test_purge_shows_what_it_would_erase_and_does_it(page: Page, inbox: Inbox) -> None:
    from datetime import timedelta

    from assistant.enquiries.models import utcnow

    old = inbox.store.create(enquiry(), uuid.uuid4().hex, now=utcnow() - timedelta(days=900)).reference
    log_in(page, inbox)
    page.get_by_role("link", name="Retention").click()
    expect(page.locator("main")).to_contain_text("Older than")
    page.get_by_role("button", name="Erase them now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention purge done")
    assert inbox.store.get(old) is None


# -- anonymous requests ----------------------------------------------------------------------------

GET_ROUTES = ["", "audit", "security", "purge", "login/code", "enquiry/0123456789abcdef01234567", "nowhere"]
POST_ROUTES = [
    "search",
    "export",
    "logout",
    "logout-all",
    "purge",
    "security/totp",
    "security/totp/confirm",
    "login/code",
    "enquiry/0123456789abcdef01234567/handled",
    "enquiry/0123456789abcdef01234567/erase",
]


def test_every_admin_route_refuses_an_anonymous_browser(page: Page, inbox: Inbox) -> None:
    reference, _ = inbox.add_enquiry(message=SECRET_MESSAGE)
    for route in GET_ROUTES:
        page.goto(inbox.admin + route)
        expect(page).to_have_url(inbox.admin + "login")
        assert no_enquiry_data(page.content(), reference, SECRET_MESSAGE, "Sam Example")
    for route in POST_ROUTES:
        response = requests.post(
            inbox.admin + route, data={"q": reference}, allow_redirects=False, timeout=10
        )
        assert response.status_code in (401, 303), route
        assert no_enquiry_data(response.text, reference, SECRET_MESSAGE, "Sam Example")
        assert response.headers["Cache-Control"] == "no-store"


# -- accessibility, keyboard, screenshots -------------------------------------------------------------


def test_keyboard_only_login_open_and_mark_handled(page: Page, inbox: Inbox) -> None:
    reference, _ = inbox.add_enquiry()
    page.goto(inbox.admin + "login")
    page.locator("body").focus()

    def tab_to(test: str, limit: int = 40) -> None:
        """Tab until ``test`` (a JS function of the focused element) is true; focus must be visible."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => ({test})(document.activeElement)"):
                visible = page.evaluate(
                    "() => { const s = getComputedStyle(document.activeElement);"
                    " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
                )
                assert visible, f"no visible focus on {test}"
                return
        raise AssertionError(f"Tab never reached {test}")

    tab_to("e => e.id === 'username'")
    page.keyboard.type("therapist")
    tab_to("e => e.id === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiries")
    page.locator("body").focus()
    tab_to(f"e => e.tagName === 'A' && e.textContent.trim() === '{reference}'", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enquiry {reference}")
    page.locator("body").focus()
    tab_to("e => e.tagName === 'BUTTON' && e.textContent.trim() === 'Mark handled'", limit=80)
    page.keyboard.press("Enter")
    expect(page.locator(".fields")).to_contain_text("handled on")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_axe_clean_and_screenshots(browser: Browser, inbox: Inbox, results_dir: Path, width: str) -> None:
    reference, _ = inbox.add_enquiry(message=SECRET_MESSAGE, availability="Tuesday mornings")
    inbox.add_enquiry(who_for="partner")
    context = browser.new_context(viewport=WIDTHS[width])
    try:
        events = PageEvents()
        page = new_page(context, events)
        found: Dict[str, list] = {}
        page.goto(inbox.admin + "login")
        found["login"] = run_axe(page)
        page.screenshot(path=str(results_dir / f"admin-login-{width}.png"), full_page=True)
        log_in(page, inbox)
        expect(page.get_by_role("heading", level=1)).to_have_text("Enquiries")
        found["list"] = run_axe(page)
        page.screenshot(path=str(results_dir / f"admin-list-{width}.png"), full_page=True)
        open_enquiry(page, reference)
        found["detail"] = run_axe(page)
        page.screenshot(path=str(results_dir / f"admin-detail-{width}.png"), full_page=True)
        page.get_by_role("link", name="Erase this enquiry…").click()
        found["erase"] = run_axe(page)
        page.get_by_role("link", name="Activity log").click()
        found["audit"] = run_axe(page)
        (results_dir / f"axe-admin-{width}.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
        problems = {
            name: axe_failures(violations) for name, violations in found.items() if axe_failures(violations)
        }
        assert problems == {}, json.dumps(problems, indent=2)
        for name in ("login", "list", "detail"):
            assert (results_dir / f"admin-{name}-{width}.png").stat().st_size > 2000
        assert events.errors == []
    finally:
        context.close()
