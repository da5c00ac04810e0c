"""When things go wrong: server down, network errors, timeouts, empty replies, long messages."""

from __future__ import annotations

import json

import requests
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PageEvents
from tests.browser.helpers import WEBHOOK_GLOB, Chat

QUESTION = "What is compulsive online sexual behaviour?"


def _help_and_contact_are_visible(chat: Chat) -> None:
    expect(chat.help).to_be_visible()
    expect(chat.help).to_contain_text("999")
    expect(chat.help).to_contain_text("Samaritans on 116 123")
    expect(chat.help.get_by_role("link", name="Call 116 123")).to_have_attribute("href", "tel:116123")
    expect(chat.help.get_by_role("link", name="the contact details on this website")).to_have_attribute(
        "href", "#contact"
    )


def test_chat_server_down_at_page_load_leaves_help_and_contact_visible(
    page: Page, site_chat_down: str, events: PageEvents
) -> None:
    chat = Chat(page, site_chat_down).goto()
    # The page's own contact section is there whatever the chat server does.
    expect(page.locator("#contact")).to_be_visible()
    chat.open(wait_for_greeting=False)
    expect(chat.alert).to_contain_text("The chat isn't available right now")
    expect(chat.alert.get_by_role("button", name="Retry")).to_be_visible()
    _help_and_contact_are_visible(chat)
    assert chat.requests[0].response().status == 502
    assert events.errors == []
    # The web front answers with a short JSON error, not a stack trace.
    reply = requests.post(
        site_chat_down + "webhooks/rest/webhook", json={"sender": "abcdefgh", "start": True}, timeout=10
    )
    assert (reply.status_code, reply.json()) == (502, {"error": "chat_server_unavailable"})


def test_get_help_now_works_before_opening_and_without_any_server(page: Page, site: str) -> None:
    page.route(WEBHOOK_GLOB, lambda route: route.abort("internetdisconnected"))
    chat = Chat(page, site).goto()
    chat.help_button().click()
    _help_and_contact_are_visible(chat)
    expect(page.locator("#cw-help-title")).to_be_focused()
    chat.help.get_by_role("button", name="Back to the chat").click()
    expect(chat.help).to_be_hidden()
    expect(chat.input).to_be_focused()


def test_network_error_then_retry(page: Page, site: str) -> None:
    chat = Chat(page, site).goto()
    chat.open()
    page.route(WEBHOOK_GLOB, lambda route: route.abort("internetdisconnected"))
    chat.send(QUESTION)
    expect(chat.alert).to_contain_text("couldn't reach the server")
    page.unroute(WEBHOOK_GLOB)
    chat.mark_sent()
    chat.alert.get_by_role("button", name="Retry").click()
    assert "OnlyFans" in chat.wait_for_reply()
    expect(chat.alert).to_be_hidden()
    assert chat.user_texts() == [QUESTION]  # sent once, shown once
    # Retry sends the same message id, so the server answers a duplicate with the first reply
    # instead of processing it twice; the next message gets an id of its own.
    failed, retried = (json.loads(r.post_data or "{}") for r in chat.requests[-2:])
    assert failed == retried and len(retried["message_id"]) == 32
    chat.ask("How is it different from porn?")
    ids = [json.loads(r.post_data or "{}").get("message_id") for r in chat.requests]
    assert ids[-1] != retried["message_id"] and len(set(ids)) == len(ids) - 1


def test_greeting_network_error_then_retry(page: Page, site: str) -> None:
    page.route(WEBHOOK_GLOB, lambda route: route.abort("connectionrefused"))
    chat = Chat(page, site).goto()
    chat.open(wait_for_greeting=False)
    expect(chat.alert).to_contain_text("couldn't reach the server")
    expect(chat.help).to_be_visible()  # no greeting, so the help is shown
    page.unroute(WEBHOOK_GLOB)
    chat.mark_sent()
    chat.alert.get_by_role("button", name="Retry").click()
    assert "automated assistant" in chat.wait_for_reply()


def test_timeout_shows_a_message_and_retry(page: Page, site: str) -> None:
    """The widget gives up after data-timeout ms (set to 1.5 s here) on a reply that never comes."""
    held = []

    def shorter_timeout(route: Route) -> None:
        response = route.fetch()
        body = response.text().replace('data-server=""', 'data-server="" data-timeout="1500"')
        route.fulfill(response=response, body=body)

    page.route(site, shorter_timeout)
    page.route(WEBHOOK_GLOB, lambda route: held.append(route))  # never answered
    chat = Chat(page, site).goto()
    chat.launcher.click()
    expect(chat.alert).to_contain_text("taking too long", timeout=5000)
    page.unroute(WEBHOOK_GLOB)
    chat.mark_sent()
    chat.alert.get_by_role("button", name="Retry").click()
    chat.wait_for_reply()
    assert held, "the first request was sent"


def test_gateway_timeout_and_empty_reply_show_a_message_and_retry(page: Page, site: str) -> None:
    replies = [
        (504, {"error": "chat_server_timeout"}),
        (200, []),
        (200, [{"recipient_id": "x", "text": "Back again."}]),
    ]

    def answer(route: Route) -> None:
        status, body = replies.pop(0)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route(WEBHOOK_GLOB, answer)
    chat = Chat(page, site).goto()
    chat.launcher.click()
    expect(chat.alert).to_contain_text("taking too long")
    chat.alert.get_by_role("button", name="Retry").click()
    expect(chat.alert).to_contain_text("didn't send a reply")
    chat.mark_sent()
    chat.alert.get_by_role("button", name="Retry").click()
    assert chat.wait_for_reply() == "Back again."


def test_over_length_message_is_refused_in_the_widget(chat: Chat) -> None:
    chat.open()
    sent_before = len(chat.requests)
    too_long = "a" * 1001
    chat.input.fill(too_long)
    expect(chat.page.locator("#cw-count")).to_have_text("1001 / 1000")
    chat.input.press("Enter")
    expect(chat.alert).to_contain_text("1001 characters long, and the limit is 1000")
    expect(chat.alert).to_contain_text("It has not been sent")
    expect(chat.input).to_have_value(too_long)  # kept, so it can be shortened
    assert len(chat.requests) == sent_before
    assert chat.user_messages.count() == 0
    # 1000 characters (an emoji counts as one, as the server counts it) are accepted.
    at_limit = "word " * 199 + "okay🙂"
    assert len(at_limit) == 1000
    chat.send(at_limit)
    chat.wait_for_reply()
    assert chat.requests[-1].response().status == 200
    expect(chat.alert).to_be_hidden()


def test_too_many_messages_shows_the_servers_words_and_retry(page: Page, site: str) -> None:
    replies = [
        (429, [{"recipient_id": "x", "text": "Please wait a moment. If you need help right now, call 999."}]),
        (200, [{"recipient_id": "x", "text": "Hello again."}]),
    ]

    def answer(route: Route) -> None:
        status, body = replies.pop(0)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route(WEBHOOK_GLOB, answer)
    chat = Chat(page, site).goto()
    chat.launcher.click()
    expect(chat.alert).to_contain_text("Please wait a moment. If you need help right now, call 999.")
    chat.mark_sent()
    chat.alert.get_by_role("button", name="Retry").click()
    assert chat.wait_for_reply() == "Hello again."
