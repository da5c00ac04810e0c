"""A driver for the chat widget in a Playwright page, used by every browser test.

Tests talk to the widget through ``Chat``: ``chat.open()``, ``chat.send(text)``,
``chat.wait_for_reply()``, ``chat.ask(text)`` (both), ``chat.click_button(title)``,
``chat.tab_to(...)`` for keyboard-only flows. Selectors live here only.
"""

from __future__ import annotations

import re
from typing import Callable, List

from playwright.sync_api import Locator, Page, Request, expect

WEBHOOK_GLOB = "**/webhooks/rest/webhook"
REPLY_TIMEOUT_MS = 45_000

# Recorded in every page before any script of the page runs (see conftest.page).
INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});
"""


class Chat:
    """The widget on one page."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/") + "/"
        self.requests: List[Request] = []
        page.on("request", self._record)
        self._bot_count = 0

    def _record(self, request: Request) -> None:
        if request.url.endswith("/webhooks/rest/webhook"):
            self.requests.append(request)

    # -- locators ---------------------------------------------------------------------------

    @property
    def launcher(self) -> Locator:
        return self.page.locator(".cw-launcher")

    @property
    def panel(self) -> Locator:
        return self.page.locator("#cw-panel")

    @property
    def log(self) -> Locator:
        return self.page.locator("#cw-log")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label("Your message")

    @property
    def help(self) -> Locator:
        return self.page.locator("#cw-help")

    @property
    def alert(self) -> Locator:
        return self.page.locator(".cw-alert")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(".cw-msg--bot")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator(".cw-msg--user")

    def quick_exit(self) -> Locator:
        """The Quick exit button that is visible now (launcher bar or panel header)."""
        return self.page.locator(".cw-exit:visible")

    def help_button(self) -> Locator:
        return self.page.get_by_role("button", name="Get help now").filter(visible=True).first

    # -- actions ----------------------------------------------------------------------------

    def goto(self) -> Chat:
        self.page.goto(self.base_url)
        expect(self.page.locator(".cw-root")).to_be_visible()
        return self

    def open(self, wait_for_greeting: bool = True) -> Chat:
        """Click the launcher; wait for the assistant's first turn unless told not to."""
        self.launcher.click()
        expect(self.panel).to_be_visible()
        if wait_for_greeting:
            self._bot_count = 0
            self.wait_for_reply()
        return self

    def send(self, text: str, press_enter: bool = True) -> None:
        """Type ``text`` in the message box and send it (Enter, or the Send button)."""
        self._bot_count = self.bot_messages.count()
        self.input.fill(text)
        if press_enter:
            self.input.press("Enter")
        else:
            self.page.get_by_role("button", name="Send").click()

    def wait_for_reply(self, timeout: float = REPLY_TIMEOUT_MS) -> str:
        """Wait until new bot messages have all been shown; return their text.

        Fails at once, with the widget's message, if the widget shows an error instead.
        """
        before = self._bot_count
        self.page.wait_for_function(
            """n => document.querySelector('.cw-alert--shown .cw-retry')
                 || (document.querySelectorAll('.cw-msg--bot').length > n
                     && document.getElementById('cw-log').getAttribute('aria-busy') === 'false')""",
            arg=before,
            timeout=timeout,
        )
        if self.page.locator(".cw-alert--shown .cw-retry").count():
            raise AssertionError(f"the widget showed an error: {self.alert.inner_text()!r}")
        self._bot_count = self.bot_messages.count()
        return "\n".join(self.bot_texts()[before:])

    def ask(self, text: str) -> str:
        """Send ``text`` and return the reply's text."""
        self.send(text)
        return self.wait_for_reply()

    def click_button(self, title: str) -> None:
        """Click the last suggested-reply button called ``title``."""
        self._bot_count = self.bot_messages.count()
        self.page.locator(".cw-choice", has_text=re.compile(f"^{re.escape(title)}$")).last.click()

    def bot_texts(self) -> List[str]:
        """The text of every bot message (without its buttons)."""
        return self.page.locator(".cw-msg--bot .cw-text").all_inner_texts()

    def user_texts(self) -> List[str]:
        return self.page.locator(".cw-msg--user .cw-user-text").all_inner_texts()

    def last_reply_buttons(self) -> List[str]:
        return self.bot_messages.last.locator(".cw-choice").all_inner_texts()

    def mark_sent(self) -> None:
        """Remember how many bot messages there are now (before a Retry or a click)."""
        self._bot_count = self.bot_messages.count()

    # -- keyboard ---------------------------------------------------------------------------

    def focused_text(self) -> str:
        return self.page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? (e.getAttribute('aria-label') || e.innerText || e.id || e.tagName) : ''; }"
        )

    def tab_to(
        self, matches: Callable[[str], bool], shift: bool = False, max_presses: int = 80
    ) -> str | None:
        """Press Tab (or Shift+Tab) until the focused element's name satisfies ``matches``."""
        key = "Shift+Tab" if shift else "Tab"
        for _ in range(max_presses):
            self.page.keyboard.press(key)
            name = (self.focused_text() or "").strip()
            if matches(name):
                return name
        raise AssertionError(f"no focusable element matched after {max_presses} x {key}")

    def focus_is_visible(self) -> bool:
        """The focused element draws a focus outline (not 'none', at least 2px)."""
        return self.page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
        )

    # -- inspection -------------------------------------------------------------------------

    def session_storage(self) -> dict:
        return self.page.evaluate("() => Object.assign({}, sessionStorage)")

    def csp_violations(self) -> List[str]:
        return self.page.evaluate("() => window.__cspViolations || []")


def type_and_enter(chat: Chat, text: str) -> str:
    """Keyboard only: type into the focused message box, press Enter, return the reply."""
    expect(chat.input).to_be_focused()
    chat.mark_sent()
    chat.page.keyboard.type(text)
    chat.page.keyboard.press("Enter")
    return chat.wait_for_reply()
