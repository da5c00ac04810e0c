"""Tried as the therapist would: an enquiry sent in the chat (the real assistant) appears in the
inbox at once, is read, marked handled, exported and erased in the browser.

This one needs Rasa, started for it alone (``isolated_stack``) on a temporary enquiry database,
tracker store and mail folder: the export and the erasure only ever see this test's enquiry,
never the real ``var/`` databases. One web front on those databases serves the chat and the inbox;
the account has a random password and nothing is deleted from the activity log (the whole
temporary database goes with the test).
"""

from __future__ import annotations

import csv
import re
import secrets
import sqlite3
import time
import uuid
from dataclasses import dataclass
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.config import DEFAULT_DATABASE_URL, VAR_DIR, load_config
from assistant.enquiries.store import EnquiryStore
from tests.browser.conftest import IsolatedStack, start_web_front
from tests.browser.helpers import Chat

REFERENCE = re.compile(r"\bTN-[A-Z0-9]{4,}\b")


@dataclass
class Therapist:
    """The web front (chat and inbox) on the isolated databases, and an account on it."""

    base_url: str
    user: str
    password: str
    store: EnquiryStore

    @property
    def admin(self) -> str:
        return self.base_url + "admin/"


@pytest.fixture
def therapist(isolated_stack: IsolatedStack) -> Iterator[Therapist]:
    store = EnquiryStore(config=load_config(isolated_stack.env))
    user = f"e2e-{uuid.uuid4().hex[:8]}"
    password = secrets.token_urlsafe(24)
    AdminAccounts(store).set_password(user, password)
    front = start_web_front(
        isolated_stack.rasa_url, "web-admin-chat", {**isolated_stack.env, "ADMIN_LOGIN_DELAY": "0.2"}
    )
    try:
        yield Therapist(front.base_url, user, password, store)
    finally:
        front.process.terminate()
        front.process.wait(timeout=10)
        store.dispose()


def send_enquiry(chat: Chat, email: str) -> str:
    chat.open()
    chat.click_button("Get in touch")
    chat.wait_for_reply()
    chat.click_button("Send an enquiry")
    assert "What name should he use" in chat.wait_for_reply()
    chat.ask("Jo")
    chat.click_button("By email")
    chat.wait_for_reply()
    chat.ask(email)
    chat.click_button("Me and my partner")
    chat.wait_for_reply()
    chat.ask("Tuesday evenings")
    chat.ask("skip")
    chat.click_button("Yes, I agree")
    chat.wait_for_reply()
    chat.click_button("Send")
    done = chat.wait_for_reply()
    match = REFERENCE.search(done)
    assert match, done
    return match[0]


def in_the_real_database(reference: str) -> bool:
    """Whether ``var/enquiries.db`` holds ``reference`` (opened read-only; never created)."""
    path = VAR_DIR / "enquiries.db"
    if not path.exists():
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            return (
                db.execute("SELECT 1 FROM enquiries WHERE reference = ?", (reference,)).fetchone() is not None
            )
        except sqlite3.Error:
            return False


def test_an_enquiry_from_the_chat_is_read_handled_exported_and_erased_in_the_inbox(
    page: Page, therapist: Therapist
) -> None:
    store = therapist.store
    assert store.config.database_url != DEFAULT_DATABASE_URL and "isolated-stack" in store.config.database_url
    chat = Chat(page, therapist.base_url).goto()
    email = f"jo.{uuid.uuid4().hex[:8]}@example.com"
    reference = send_enquiry(chat, email)
    sent_at = time.monotonic()
    assert store.get(reference) is not None, "the assistant saved it in the temporary database"
    assert not in_the_real_database(reference)

    inbox = page.context.new_page()
    inbox.goto(therapist.admin + "login")
    inbox.get_by_label("User name").fill(therapist.user)
    inbox.get_by_label("Password").fill(therapist.password)
    inbox.get_by_role("button", name="Log in").click()
    expect(inbox.get_by_role("link", name=reference)).to_be_visible()
    assert time.monotonic() - sent_at < 10, "in the inbox within seconds"
    row = inbox.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("couple or partner")
    expect(row).to_contain_text("new")

    inbox.get_by_role("link", name=reference).click()
    expect(inbox.locator(".fields")).to_contain_text(email)
    expect(inbox.locator(".fields")).to_contain_text("read")
    inbox.get_by_role("button", name="Mark handled").click()
    expect(inbox.locator(".fields")).to_contain_text("handled on")

    inbox.get_by_role("link", name="Back to the enquiries").click()
    with inbox.expect_download() as download:
        inbox.get_by_role("button", name="Export all as CSV").click()
    with open(download.value.path(), encoding="utf-8") as stream:
        exported = {row["reference"]: row for row in csv.DictReader(stream)}
    assert list(exported) == [reference], "only this test's enquiry is in its database"
    assert exported[reference]["email"] == email and exported[reference]["handled_at"]

    inbox.get_by_role("link", name=reference).click()
    inbox.get_by_role("link", name="Erase this enquiry…").click()
    inbox.get_by_role("button", name=f"Erase {reference}").click()
    expect(inbox.get_by_role("heading", level=1)).to_have_text(f"{reference} erased")
    removed = inbox.locator("li", has_text="Conversation events removed").inner_text()
    assert int(removed.rsplit(":", 1)[1]) > 0, "the visitor's conversation went with the enquiry"
    assert store.get(reference) is None
    actions = [e.action for e in AdminAccounts(store).recent_audit()]
    assert {"login", "view", "mark_handled", "export", "erase"} <= set(actions), "the audit rows are kept"
