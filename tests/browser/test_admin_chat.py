"""Tried as the therapist would: an enquiry sent in the chat (the real assistant) appears in the
inbox at once, is read, marked handled, exported and erased in the browser.

This one needs Rasa (the session's ``site`` fixture). The inbox runs on a second web front over
the same enquiry database and tracker store as the assistant (``DATABASE_URL`` and
``TRACKER_DB_URL`` as the environment gives them, else ``var/``), with an account made for this
test and removed after it, with its activity-log rows.
"""

from __future__ import annotations

import csv
import re
import time
import uuid
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.models import AdminAudit, AdminUser
from assistant.enquiries.store import EnquiryStore
from tests.browser.conftest import start_web_front
from tests.browser.helpers import Chat

REFERENCE = re.compile(r"\bTN-[A-Z0-9]{4,}\b")
PASSWORD = "the therapist's own passphrase"


@pytest.fixture
def therapist(rasa_url: str) -> Iterator[tuple[str, str, EnquiryStore]]:
    """(inbox address, user name, store): a web front on the assistant's databases, an account."""
    store = EnquiryStore()
    user = f"e2e-{uuid.uuid4().hex[:8]}"
    AdminAccounts(store).set_password(user, PASSWORD)
    front = start_web_front(rasa_url, "web-admin-chat", {"ADMIN_LOGIN_DELAY": "0.2"})
    try:
        yield front.base_url + "admin/", user, store
    finally:
        front.process.terminate()
        front.process.wait(timeout=10)
        with store.session() as session:
            session.execute(delete(AdminUser).where(AdminUser.username == user))
            session.execute(delete(AdminAudit).where(AdminAudit.username == user))
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


def test_an_enquiry_from_the_chat_is_read_handled_exported_and_erased_in_the_inbox(
    chat: Chat, page: Page, therapist: tuple[str, str, EnquiryStore]
) -> None:
    admin, user, store = therapist
    email = f"jo.{uuid.uuid4().hex[:8]}@example.com"
    reference = send_enquiry(chat, email)
    sent_at = time.monotonic()

    inbox = page.context.new_page()
    inbox.goto(admin + "login")
    inbox.get_by_label("User name").fill(user)
    inbox.get_by_label("Password").fill(PASSWORD)
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
    assert exported[reference]["email"] == email and exported[reference]["handled_at"]

    inbox.get_by_role("link", name=reference).click()
    inbox.get_by_role("link", name="Erase this enquiry…").click()
    inbox.get_by_role("button", name=f"Erase {reference}").click()
    expect(inbox.get_by_role("heading", level=1)).to_have_text(f"{reference} erased")
    removed = inbox.locator("li", has_text="Conversation events removed").inner_text()
    assert int(removed.rsplit(":", 1)[1]) > 0, "the visitor's conversation went with the enquiry"
    assert store.get(reference) is None
