"""Accessibility: axe-core, keyboard only, visible focus, 320 px wide, labelled controls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PageEvents, new_page
from tests.browser.helpers import INIT_SCRIPT, WEBHOOK_GLOB, Chat

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
QUESTION = "What is compulsive online sexual behaviour?"


def run_axe(page: Page) -> List[Dict[str, Any]]:
    """axe-core's violations for the whole page (the script is evaluated, not injected as a tag)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    assert len(result["passes"]) > 20, "axe-core ran its checks"
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "kind": kind,
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for kind in ("violations", "incomplete")
        for v in result[kind]
    ]


def serious(found: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Serious or critical violations (items axe could not decide are recorded, not failed)."""
    return [v for v in found if v["kind"] == "violations" and v["impact"] in ("serious", "critical")]


def _record(results_dir: Path, name: str, violations: List[Dict[str, Any]]) -> None:
    (results_dir / f"axe-{name}.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")


def test_axe_widget_open_with_messages(chat: Chat, results_dir: Path) -> None:
    chat.open()
    chat.ask(QUESTION)
    violations = run_axe(chat.page)
    _record(results_dir, "open-with-messages", violations)
    assert serious(violations) == [], json.dumps(violations, indent=2)


def test_axe_help_shown_and_error_with_retry(chat: Chat, results_dir: Path) -> None:
    chat.open()
    chat.page.route(WEBHOOK_GLOB, lambda route: route.abort("internetdisconnected"))
    chat.send(QUESTION)
    expect(chat.alert.get_by_role("button", name="Retry")).to_be_visible()
    chat.help_button().click()
    expect(chat.help).to_be_visible()
    violations = run_axe(chat.page)
    _record(results_dir, "help-and-error", violations)
    assert serious(violations) == [], json.dumps(violations, indent=2)


def test_axe_closed_at_320px(browser: Browser, site: str, results_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        chat = Chat(context.new_page(), site).goto()
        violations = run_axe(chat.page)
        _record(results_dir, "closed-320", violations)
        assert serious(violations) == [], json.dumps(violations, indent=2)
    finally:
        context.close()


def test_keyboard_only_open_ask_and_activate_a_button(chat: Chat, events: PageEvents) -> None:
    page = chat.page
    page.locator("body").focus()
    chat.tab_to(lambda name: name == "Chat")
    assert chat.focus_is_visible()
    chat.mark_sent()  # before opening: on a fast machine the greeting is shown at once
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()
    chat.wait_for_reply()  # the greeting
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    assert "OnlyFans" in chat.wait_for_reply()
    # Back from the message box to the reply's suggested button, and activate it.
    chat.tab_to(lambda name: name == "How is it different from porn?", shift=True)
    assert chat.focus_is_visible()
    page.keyboard.press("Enter")
    assert "real " in chat.wait_for_reply()  # "real people" or "real exchanges": both wordings
    # Space works on buttons too, and Escape closes the chat and returns focus to the launcher.
    chat.tab_to(lambda name: name == "Show me the topics", shift=True)
    page.keyboard.press(" ")
    chat.wait_for_reply()
    assert QUESTION in chat.last_reply_buttons()
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    assert events.errors == []


def test_keyboard_reaches_help_and_quick_exit_from_the_message_box(chat: Chat) -> None:
    chat.open()
    chat.input.focus()
    names = []
    for _ in range(40):
        chat.page.keyboard.press("Shift+Tab")
        names.append(chat.focused_text().strip())
        assert chat.focus_is_visible(), f"no visible focus on {names[-1]!r}"
        if names[-1] == "Get help now" and "Close chat" in names:
            break
    # Backwards from the message box: the conversation, then the panel's header controls.
    assert {"Conversation", "Close chat", "Quick exit", "Get help now"} <= set(names)


def test_controls_are_labelled_and_the_log_is_polite(chat: Chat) -> None:
    chat.open()
    expect(chat.log).to_have_attribute("role", "log")
    expect(chat.log).to_have_attribute("aria-live", "polite")
    expect(chat.page.get_by_role("textbox", name="Your message")).to_be_visible()
    header = chat.panel.locator(".cw-head")
    for name in ["Get help now", "Quick exit", "Close chat"]:
        expect(header.get_by_role("button", name=name)).to_be_visible()
    expect(header.get_by_role("button", name="Get help now")).to_have_attribute("aria-expanded", "false")
    expect(chat.page.get_by_role("button", name="Send")).to_be_visible()
    expect(chat.page.get_by_role("group", name="Suggested replies")).to_have_count(1)
    expect(chat.page.get_by_role("region", name="Questions about this page")).to_be_visible()


@pytest.fixture
def context_320(browser: Browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    context.add_init_script(INIT_SCRIPT)
    yield context
    context.close()


def test_usable_at_320px_with_a_screenshot(context_320, site: str, results_dir: Path) -> None:
    events = PageEvents()
    chat = Chat(new_page(context_320, events), site).goto()
    page = chat.page
    for button in page.locator(".cw-bar button").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, "launcher bar fits"
    chat.open()
    chat.ask(QUESTION)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320  # no sideways scrolling
    for control in [chat.input, page.get_by_role("button", name="Send"), chat.quick_exit()]:
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
        assert box["height"] >= 24  # target size
    page.screenshot(path=str(results_dir / "widget-320.png"))
    assert (results_dir / "widget-320.png").stat().st_size > 1000
    assert events.errors == []


@pytest.mark.parametrize(
    "accent, expected",
    [("#5b2a86", "rgb(91, 42, 134)"), ("#9fd3ff", "rgb(29, 78, 90)")],
    ids=["dark-enough", "too-pale-falls-back"],
)
def test_configured_colours_apply_only_when_they_meet_aa(
    page: Page, site: str, accent: str, expected: str
) -> None:
    def recoloured(route) -> None:
        response = route.fetch()
        body = response.text().replace('data-accent="#1d4e5a"', f'data-accent="{accent}"')
        route.fulfill(response=response, body=body)

    page.route(site, recoloured)
    Chat(page, site).goto()
    colour = page.evaluate("() => getComputedStyle(document.querySelector('.cw-launcher')).backgroundColor")
    assert colour == expected
