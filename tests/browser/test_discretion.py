"""Discretion: quick exit, nothing of the conversation in web storage, strict headers on the page."""

from __future__ import annotations

import json

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.browser.helpers import Chat

EXIT_URL = "https://www.bbc.co.uk/weather"


def _neutral_site(route: Route) -> None:
    route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Weather</title><p>Weather"
    )


# What the host page keeps for itself; the widget must never touch it.
HOST_KEYS = {"basket": "3 items", "chat-widget-like": "the host's", "cookie-consent": "yes"}
CANARY_NAME = "Quillon Zebrowski"
CANARY_EMAIL = "quillon.zebrowski@example.org"


def _storage(page: Page) -> dict:
    """Everything the page's origin holds in sessionStorage and localStorage."""
    return page.evaluate(
        "() => ({session: Object.assign({}, sessionStorage), local: Object.assign({}, localStorage)})"
    )


def _set_host_keys(page: Page) -> None:
    page.evaluate(
        """keys => { for (const [k, v] of Object.entries(keys)) {
                       sessionStorage.setItem(k, v); localStorage.setItem(k, v); } }""",
        HOST_KEYS,
    )


def _widget_keys(storage: dict) -> list:
    return [key for area in storage.values() for key in area if key.startswith("chat-widget:")]


def test_nothing_typed_or_answered_is_kept_in_web_storage(chat: Chat) -> None:
    chat.open()
    reply = chat.ask(f"Hi, my name is {CANARY_NAME} and my email is {CANARY_EMAIL}")
    chat.ask("What is compulsive online sexual behaviour?")
    sender = json.loads(chat.requests[-1].post_data or "{}")["sender"]
    stored = json.dumps(_storage(chat.page))
    for secret in (CANARY_NAME, "Zebrowski", CANARY_EMAIL, "OnlyFans", sender, reply[:40]):
        assert secret not in stored
    # At most the widget's own non-content state, under its prefix.
    storage = _storage(chat.page)
    assert all(key.startswith("chat-widget:") for area in storage.values() for key in area)
    assert all(len(value) <= 20 for area in storage.values() for value in area.values())


@pytest.mark.parametrize("where", ["panel", "launcher bar"])
def test_quick_exit_clears_the_chat_and_replaces_the_page(page: Page, chat: Chat, where: str) -> None:
    page.route(EXIT_URL + "*", _neutral_site)
    _set_host_keys(page)
    chat.open()
    chat.ask("What is compulsive online sexual behaviour?")
    if where == "launcher bar":
        page.keyboard.press("Escape")
        expect(chat.panel).to_be_hidden()
    button = chat.quick_exit()
    expect(button).to_have_count(1)
    expect(button).to_have_text("Quick exit")
    button.click()
    page.wait_for_url(EXIT_URL)
    expect(page).to_have_title("Weather")
    # The chat page was replaced, not pushed: Back does not return to it.
    page.go_back()
    assert not page.url.startswith(chat.base_url)
    # Coming back to the site in the same tab: nothing of the conversation is left ...
    chat.goto()
    storage = _storage(page)
    assert _widget_keys(storage) == []
    expect(chat.panel).to_be_hidden()
    assert chat.bot_messages.count() == 0 and chat.user_messages.count() == 0
    expect(page.locator(".cw-notice")).to_have_count(0)  # nothing hints that there was a chat
    # ... and the host site's own keys, in both storages, are untouched.
    assert storage == {"session": HOST_KEYS, "local": HOST_KEYS}


def test_the_page_and_the_api_send_strict_headers(site: str) -> None:
    page = requests.get(site, timeout=10)
    csp = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ]:
        assert directive in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in page.headers["Permissions-Policy"]
    api = requests.post(
        site + "webhooks/rest/webhook", json={"sender": "headers-test", "start": True}, timeout=30
    )
    assert api.status_code == 200
    assert api.headers["Cache-Control"] == "no-store"
    assert api.headers["Content-Security-Policy"] == csp
    assert "aiohttp" not in api.headers.get("Server", "")


def test_no_inline_script_or_style_on_the_page(chat: Chat) -> None:
    page = chat.page
    assert page.evaluate("() => [...document.scripts].filter(s => !s.src).length") == 0
    assert page.evaluate("() => document.querySelectorAll('style, [style]:not(.cw-root)').length") == 0
    assert page.evaluate("() => document.querySelectorAll('script').length") == 3  # chat.js + 2 vendored
    chat.open()
    assert chat.csp_violations() == []
