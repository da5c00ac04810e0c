"""XSS vectors, typed by the visitor and returned by the bot, must stay inert.

Every vector sets ``window.__xss`` (or opens a dialog) if any script in it runs. Each is
checked three ways:

* typed by the visitor and sent to the real assistant: shown as literal text, nothing runs;
* returned by the bot (the webhook is intercepted) as the message text, as a name the bot
  echoes back, as a button title and payload, and as a link target: nothing runs, no
  element outside the widget's own set exists, no event-handler or style attribute, and
  every link is https:, mailto:, tel: or a same-page anchor;
* the bot-side check again with the page's CSP switched off (``bypass_csp``), so the
  sanitising is shown to hold on its own and not only because the CSP blocks scripts.
"""

from __future__ import annotations

import json
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import VIEWPORT, PageEvents, new_page
from tests.browser.helpers import INIT_SCRIPT, WEBHOOK_GLOB, Chat

JS = "window.__xss=1"
B64_SCRIPT = "PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg=="  # <script>window.__xss=1</script>

VECTORS: List[str] = [
    f"<script>{JS}</script>",
    "<script>alert(1)</script>",
    f'<img src=x onerror="{JS}">',
    "<img src=x onerror=alert(document.domain)>",
    f'<svg onload="{JS}">',
    f"<svg><script>{JS}</script></svg>",
    f'<svg><a xlink:href="javascript:{JS}"><text x="20" y="20">x</text></a></svg>',
    f'<iframe src="javascript:{JS}"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    f"[click me](javascript:{JS})",
    "[click me](javascript:alert(1))",
    f"[click me](JaVaScRiPt:{JS})",
    f"[click me](javascript&#58;{JS})",
    f"[click me](&#106;avascript:{JS})",
    f"[click me](<javascript:{JS}>)",
    f"[click me](data:text/html;base64,{B64_SCRIPT})",
    "[click me](vbscript:msgbox(1))",
    f"[click me][1]\n\n[1]: javascript:{JS}",
    f"<javascript:{JS}>",
    f'<a href="javascript:{JS}">click me</a>',
    f'<a href="&#x6A;&#x61;vascript:{JS}">click me</a>',
    f'[ok](https://example.org" onmouseover="{JS})',
    f'![pic](x" onerror="{JS})',
    f'"><img src=x onerror={JS}>',
    f"'><svg/onload={JS}>",
    f'<details open ontoggle="{JS}">x</details>',
    f'<body onload="{JS}">',
    f'<input autofocus onfocus="{JS}">',
    f'<form action="javascript:{JS}"><button>go</button></form>',
    f'<object data="javascript:{JS}"></object>',
    f'<embed src="javascript:{JS}">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    '<base href="javascript:/">[rel](/a)',
    f"<style>@import 'javascript:{JS}';</style><div style=\"width:expression({JS})\">x</div>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"&#60;img src=x onerror={JS}&#62;",
]

# The only elements the widget itself creates inside the conversation log.
ALLOWED_IN_LOG = {
    "DIV", "SPAN", "P", "BR", "STRONG", "EM", "B", "I", "UL", "OL", "LI", "A", "CODE", "PRE",
    "BLOCKQUOTE", "HR", "S", "DEL", "BUTTON",
}  # fmt: skip

INSPECT_LOG = """() => {
  const log = document.getElementById('cw-log');
  const bad = [];
  for (const el of log.querySelectorAll('*')) {
    if (!ALLOWED.includes(el.tagName)) bad.push('element ' + el.tagName);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name === 'src' || name === 'srcdoc'
          || name.includes('href') && el.tagName !== 'A' || name === 'formaction') {
        bad.push('attribute ' + name + ' on ' + el.tagName);
      }
    }
    if (el.tagName === 'A') {
      const href = el.getAttribute('href') || '';
      if (!/^(https:\\/\\/|mailto:|tel:|#[A-Za-z])/i.test(href)) bad.push('link ' + href);
    }
  }
  // Nothing injected anywhere else in the page either.
  for (const sel of ['iframe', 'object', 'embed', 'svg', 'math', 'base', 'details', 'img', 'style', 'input']) {
    if (document.querySelector(sel)) bad.push('page has ' + sel);
  }
  if (document.querySelectorAll('form').length !== 1) bad.push('extra form element');
  if (document.querySelectorAll('script').length !== SCRIPTS) bad.push('extra script element');
  if (document.querySelectorAll('meta').length !== 3) bad.push('extra meta element');
  return bad;
}""".replace("ALLOWED", json.dumps(sorted(ALLOWED_IN_LOG)))

# chat.js, markdown-it and DOMPurify: the only scripts on the page.
INSPECT_LOG = INSPECT_LOG.replace("SCRIPTS", "3")


def assert_inert(page: Page, events: PageEvents, csp: bool = True) -> None:
    page.wait_for_timeout(150)  # let any onload/onerror/ontoggle fire
    assert page.evaluate("() => window.__xss") is None, "a script in the vector ran"
    assert events.dialogs == [], f"a dialog opened: {events.dialogs}"
    assert page.evaluate(INSPECT_LOG) == []
    assert events.errors == []
    if csp:
        # Nothing was even attempted that the CSP had to block.
        assert page.evaluate("() => window.__cspViolations") == []


@pytest.mark.parametrize("vector", VECTORS, ids=[f"v{i:02d}" for i in range(len(VECTORS))])
class TestVectors:
    def test_typed_by_the_visitor(
        self, conversations: Conversations, xss_events: PageEvents, vector: str
    ) -> None:
        chat = conversations.next()
        chat.send(vector)
        chat.wait_for_reply()
        assert chat.user_texts()[-1] == vector  # shown as typed, as text
        assert_inert(chat.page, xss_events)

    @pytest.mark.parametrize("csp", [True, False], ids=["csp", "no-csp"])
    def test_returned_by_the_bot(self, browser: Browser, site: str, vector: str, csp: bool) -> None:
        # Reduced motion: the four replies are shown at once (pacing is tested elsewhere).
        context = browser.new_context(viewport=VIEWPORT, bypass_csp=not csp, reduced_motion="reduce")
        context.add_init_script(INIT_SCRIPT)
        events = PageEvents()
        try:
            page = new_page(context, events)
            page.route(WEBHOOK_GLOB, lambda route: _malicious_reply(route, vector))
            chat = Chat(page, site).goto()
            chat.open()
            expect(chat.bot_messages).to_have_count(4)
            assert_inert(page, events, csp=csp)
            # The button's title is the vector, as text; clicking it sends the vector back.
            chat.mark_sent()
            chat.page.locator(".cw-choice").first.click()
            chat.wait_for_reply()
            assert chat.user_texts()[-1] == vector
            assert_inert(page, events, csp=csp)
            for link in chat.log.locator("a").all():
                link.hover()
            assert_inert(page, events, csp=csp)
        finally:
            context.close()


def _malicious_reply(route: Route, vector: str) -> None:
    body = [
        {"recipient_id": "x", "text": vector},
        {"recipient_id": "x", "text": f"Nice to meet you, **{vector}**! You said: {vector}"},
        {"recipient_id": "x", "text": f"[{vector}]({vector}) and <{vector}>"},
        {
            "recipient_id": "x",
            "text": "Pick one:",
            "buttons": [{"title": vector, "payload": vector}, {"title": "ok", "payload": vector}],
        },
    ]
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


class Conversations:
    """Typed vectors go to the real assistant; a new tab every 20 messages keeps each
    conversation under the chat server's per-conversation rate limit."""

    PER_CONVERSATION = 20

    def __init__(self, browser: Browser, site: str, events: PageEvents) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(INIT_SCRIPT)
        self.site, self.events = site, events
        self.chat: Chat | None = None
        self.sent = 0

    def next(self) -> Chat:
        if self.chat is None or self.sent >= self.PER_CONVERSATION:
            if self.chat is not None:
                self.chat.page.close()
            self.chat = Chat(new_page(self.context, self.events), self.site).goto()
            self.chat.open()
            self.sent = 0
        self.sent += 1
        return self.chat


@pytest.fixture(scope="module")
def xss_events() -> PageEvents:
    return PageEvents()


@pytest.fixture(scope="module")
def conversations(browser: Browser, site: str, xss_events: PageEvents) -> Iterator[Conversations]:
    conversations = Conversations(browser, site, xss_events)
    try:
        yield conversations
    finally:
        conversations.context.close()


def test_links_outside_the_allowed_schemes_are_shown_as_text(page: Page, site: str) -> None:
    text = (
        "[web](https://example.org/page) [mail](mailto:someone@example.org) [call](tel:+441234567890) "
        "[section](#focus) [plain](http://example.org) [file](file:///etc/passwd) [ftp](ftp://example.org) "
        "[relative](/admin) [proto](//evil.example) [creds](https://user:pw@example.org)"
    )
    page.route(
        WEBHOOK_GLOB,
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps([{"recipient_id": "x", "text": text}]),
        ),
    )
    chat = Chat(page, site).goto()
    chat.open()
    links = chat.bot_messages.last.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == ["https://example.org/page", "mailto:someone@example.org", "tel:+441234567890", "#focus"]
    web = links.nth(0)
    expect(web).to_have_attribute("target", "_blank")
    expect(web).to_have_attribute("rel", "noopener noreferrer")
    expect(links.nth(1)).to_have_attribute("rel", "noopener noreferrer")
    shown = chat.bot_texts()[-1]
    for literal in ["[plain](http://example.org)", "[file](file:///etc/passwd)", "[relative](/admin)"]:
        assert literal in shown


def test_vector_count() -> None:
    assert len(VECTORS) >= 25
