"""An enquiry completed in the widget by typing only: no suggested button is pressed (issue #13).

The chat is opened from the keyboard, and every answer is a sentence typed into the message box
and sent with Enter: a name in a sentence, an email address at the contact step, a question at
the "who is it about" step, consent typed, an edit by name at the confirmation step, "send".
"""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import PageEvents
from tests.browser.helpers import Chat, type_and_enter

REFERENCE = re.compile(r"\bTN-[A-Z0-9]{4,}\b")


def test_an_enquiry_can_be_completed_by_typing_only(chat: Chat, events: PageEvents) -> None:
    page = chat.page
    email = f"typed.{uuid.uuid4().hex[:8]}@example.com"  # a new address each run (daily limit)
    page.locator("body").focus()
    chat.tab_to(lambda name: name == "Chat")
    chat.mark_sent()  # before opening: on a fast machine the greeting is shown at once
    page.keyboard.press("Enter")
    expect(chat.input).to_be_focused()
    chat.wait_for_reply()  # the greeting
    assert "What name should he use" in type_and_enter(chat, "I'd like to send Tim an enquiry")
    assert "get back to you" in type_and_enter(chat, "my name's Joanna")
    assert "Who is the enquiry about" in type_and_enter(chat, f"{email} is best")
    reply = type_and_enter(chat, "wait, does he see couples?")
    assert "doesn't say" in reply and "Who is the enquiry about" in reply
    assert "days or times" in type_and_enter(chat, "me and my partner")
    assert "short message" in type_and_enter(chat, "weekday evenings after 6")
    assert "Do you agree" in type_and_enter(chat, "We'd like to talk about dating apps")
    summary = type_and_enter(chat, "yes, I agree")
    assert "Name: Joanna" in summary and email in summary and "me and my partner" in summary
    summary = type_and_enter(chat, "change my name to Jo")
    assert "changed the name" in summary and "Name: Jo\n" in summary
    done = type_and_enter(chat, "send it")
    assert REFERENCE.search(done) and "received" in done
    assert events.errors == [] and chat.csp_violations() == []
