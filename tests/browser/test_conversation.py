"""A conversation in the widget against the real assistant: greeting, answers, buttons, memory."""

from __future__ import annotations

import json

from playwright.sync_api import BrowserContext, Page, Route, expect

from assistant.privacy import render_statements
from assistant.settings import get_settings
from tests.browser.conftest import PageEvents, new_page
from tests.browser.helpers import WEBHOOK_GLOB, Chat

QUESTION = "What is compulsive online sexual behaviour?"


def test_greeting_is_shown_when_the_chat_opens(chat: Chat, events: PageEvents) -> None:
    expect(chat.launcher).to_have_text("Chat")  # neutral label
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    chat.open()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    greeting = chat.bot_messages.first
    expect(greeting).to_contain_text("automated assistant")
    expect(greeting).to_contain_text("not an emergency service")
    buttons = chat.last_reply_buttons()
    assert "Show me the topics" in buttons and "Get help now" in buttons
    assert chat.user_messages.count() == 0  # the visitor typed nothing
    assert json.loads(chat.requests[0].post_data or "{}").get("start") is True
    assert events.errors == [] and chat.csp_violations() == []


def test_a_question_is_answered_with_a_link_to_the_page(chat: Chat) -> None:
    chat.open()
    reply = chat.ask(QUESTION)
    assert "OnlyFans" in reply
    assert chat.user_texts()[-1] == QUESTION
    link = chat.bot_messages.last.locator("a", has_text="Understanding")
    expect(link).to_have_attribute("href", "#understanding")
    link.click()  # a same-page anchor: the page scrolls to the section
    expect(chat.page).to_have_url(chat.base_url + "#understanding")


def test_a_button_is_clicked_and_typing_its_text_works_too(chat: Chat) -> None:
    chat.open()
    chat.click_button("Show me the topics")
    chat.wait_for_reply()
    expect(chat.user_messages.last).to_contain_text("Show me the topics")
    clicked = chat.last_reply_buttons()
    assert QUESTION in clicked and len(clicked) >= 5
    # The greeting's buttons are still there and still work.
    expect(chat.bot_messages.first.locator(".cw-choice").first).to_be_enabled()
    chat.send("Show me the topics")
    chat.wait_for_reply()
    assert chat.last_reply_buttons() == clicked


def _sender(request) -> str:
    return json.loads(request.post_data or "{}")["sender"]


def test_a_reload_starts_a_fresh_chat_and_says_why(chat: Chat) -> None:
    chat.open()
    answer = chat.ask(QUESTION)
    sender = _sender(chat.requests[-1])
    requests_before = len(chat.requests)
    chat.page.reload()
    expect(chat.panel).to_be_visible()  # it was open, so it opens again ...
    notice = chat.log.locator(".cw-notice")
    expect(notice).to_have_text(render_statements(get_settings().template_vars())["reload"])
    chat._bot_count = 0  # the greeting of the new conversation, as in chat.open()
    assert "automated assistant" in chat.wait_for_reply()  # ... with a new greeting
    assert chat.user_messages.count() == 0  # the old messages are gone
    expect(chat.bot_messages).to_have_count(1)
    assert answer not in chat.log.inner_text()
    # A new conversation: a new random sender id, never stored.
    new_sender = _sender(chat.requests[requests_before])
    assert new_sender != sender and len(new_sender) == 32
    assert new_sender not in json.dumps(chat.session_storage())
    chat.ask(QUESTION)
    assert _sender(chat.requests[-1]) == new_sender


def test_closing_the_tab_forgets_the_conversation(
    chat: Chat, context: BrowserContext, events: PageEvents, site: str
) -> None:
    chat.open()
    chat.ask(QUESTION)
    first_sender = _sender(chat.requests[-1])
    chat.page.close()
    other = Chat(new_page(context, events), site).goto()  # a new tab, same browser profile
    assert other.session_storage() == {}
    expect(other.panel).to_be_hidden()
    other.open()
    expect(other.bot_messages).to_have_count(1)
    assert other.user_messages.count() == 0
    expect(other.log.locator(".cw-notice")).to_have_count(0)  # a first visit: nothing to explain
    second_sender = _sender(other.requests[0])
    assert second_sender != first_sender
    assert len(second_sender) == 32 and int(second_sender, 16) >= 0  # 128 random bits, hex


def test_sender_ids_are_random_and_never_stored(browser, site: str) -> None:
    senders = []
    for _ in range(3):
        context = browser.new_context()
        try:
            page = context.new_page()
            page.route(WEBHOOK_GLOB, _three_messages)
            chat = Chat(page, site).goto()
            assert chat.session_storage() == {}  # nothing stored before the visitor opens the chat
            chat.launcher.click()
            chat.wait_for_reply()
            senders.append(_sender(chat.requests[0]))
            assert senders[-1] not in json.dumps(chat.session_storage())
        finally:
            context.close()
    assert len(set(senders)) == 3
    for sender in senders:
        assert len(sender) == 32 and int(sender, 16) >= 0  # 128 random bits as hex
    numbers = sorted(int(s, 16) for s in senders)
    assert numbers[1] - numbers[0] > 1000 and numbers[2] - numbers[1] > 1000  # not sequential


def _three_messages(route: Route) -> None:
    body = [
        {"recipient_id": "x", "text": "First part."},
        {"recipient_id": "x", "text": "Second part."},
        {"recipient_id": "x", "text": "Third part.", "buttons": [{"title": "Next", "payload": "Next"}]},
    ]
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


def test_multi_message_replies_are_paced_with_a_typing_indicator(page: Page, site: str) -> None:
    page.route(WEBHOOK_GLOB, _three_messages)
    chat = Chat(page, site).goto()
    chat.launcher.click()
    expect(chat.bot_messages).to_have_count(1)
    # The next message has not arrived yet and the assistant is shown typing.
    expect(page.locator(".cw-typing")).to_be_visible()
    assert chat.bot_messages.count() < 3
    chat.wait_for_reply()
    assert chat.bot_texts() == ["First part.", "Second part.", "Third part."]
    assert chat.last_reply_buttons() == ["Next"]
    expect(page.locator(".cw-typing")).to_be_hidden()


def test_reduced_motion_shows_replies_at_once_without_animation(browser, site: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.route(WEBHOOK_GLOB, _three_messages)
        chat = Chat(page, site).goto()
        chat.launcher.click()
        expect(chat.bot_messages).to_have_count(3, timeout=1500)
        animation = page.evaluate("() => getComputedStyle(document.querySelector('.cw-dot')).animationName")
        assert animation == "none"
    finally:
        context.close()
