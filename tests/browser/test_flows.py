"""Whole flows in the widget: an enquiry by keyboard alone, a reflection, and "delete my chat"."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import PageEvents
from tests.browser.helpers import Chat, type_and_enter

REFERENCE = re.compile(r"\bTN-[A-Z0-9]{4,}\b")


def press_button(chat: Chat, title: str) -> str:
    """Keyboard only: Shift+Tab back to a suggested button, Enter, then back to the message box."""
    chat.mark_sent()
    chat.tab_to(lambda name: name == title, shift=True)
    assert chat.focus_is_visible()
    chat.page.keyboard.press("Enter")
    reply = chat.wait_for_reply()
    if chat.focused_text() != "cw-input":
        chat.tab_to(lambda name: name == "cw-input", max_presses=150)
    return reply


def test_the_booking_enquiry_can_be_completed_by_keyboard_alone(chat: Chat, events: PageEvents) -> None:
    page = chat.page
    page.locator("body").focus()
    chat.tab_to(lambda name: name == "Chat")
    chat.mark_sent()  # before opening: on a fast machine the greeting is shown at once
    page.keyboard.press("Enter")
    expect(chat.input).to_be_focused()
    chat.wait_for_reply()  # the greeting
    assert "enquiry" in press_button(chat, "Get in touch")
    assert "What name should he use" in press_button(chat, "Send an enquiry")
    assert "get back to you" in type_and_enter(chat, "Jo")
    assert "email address" in press_button(chat, "By email")
    assert "Who is the enquiry about" in type_and_enter(chat, "jo.keyboard@example.com")
    assert "days or times" in press_button(chat, "Me and my partner")
    assert "short message" in type_and_enter(chat, "Tuesday evenings")
    consent = type_and_enter(chat, "skip")
    assert "deleted after 12 months" in consent
    summary = press_button(chat, "Yes, I agree")
    assert "jo.keyboard@example.com" in summary and "me and my partner" in summary
    done = press_button(chat, "Send")
    assert REFERENCE.search(done) and "received" in done
    assert events.errors == [] and chat.csp_violations() == []


def test_a_reflection_in_the_widget(chat: Chat) -> None:
    chat.open()
    chat.click_button("Reflect privately")
    assert "six open questions" in chat.wait_for_reply()
    chat.click_button("Yes, let's begin")
    assert "What was happening just before" in chat.wait_for_reply()
    assert "lonely" in chat.ask("bored and lonely late at night")
    chat.click_button("Skip this one")
    chat.wait_for_reply()
    chat.ask("a rush, then I feel ashamed")
    chat.ask("I hide it from my wife")
    chat.ask("my sleep is terrible")
    summary = chat.ask("more real closeness")
    assert "isn't a diagnosis" in summary
    # the three themes that came up most (#13): sleep twice, then the first answer's
    assert "feeling lonely" in summary and "sleep" in summary and "boredom" in summary


def test_delete_my_chat_clears_the_widget_and_starts_a_new_conversation(chat: Chat) -> None:
    chat.open()
    chat.ask("What is compulsive online sexual behaviour?")
    before = json.loads(chat.requests[-1].post_data or "{}")["sender"]
    assert "delete this whole conversation" in chat.ask("delete my chat")
    chat.click_button("Yes, delete it")
    # The log is replaced by the confirmation alone (so no "new message" count to wait for).
    expect(chat.bot_messages).to_have_count(1, timeout=45_000)
    expect(chat.bot_messages.first).to_contain_text("has been deleted")
    expect(chat.user_messages).to_have_count(0)
    # The next message starts a new conversation under a new random sender id.
    chat.ask("hello")
    after = json.loads(chat.requests[-1].post_data or "{}")["sender"]
    assert after != before and len(after) == 32
    assert "OnlyFans" not in json.dumps(chat.session_storage())
