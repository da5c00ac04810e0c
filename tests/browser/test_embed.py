"""The widget embedded on the therapist's own site, on another origin, in Debian's chromium.

Two loopback origins: the "site" (a page served on one port, under a strict CSP of its own,
with the one-line embed snippet) and the chat server (the web front on another port, with
``EMBED_ORIGINS`` naming the site), which serves the widget's files and the chat API. A third
origin, not named in ``EMBED_ORIGINS``, shows the API refusing it. A stand-in for Rasa answers
the chat (these tests are about origins, not the model).
"""

from __future__ import annotations

import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageEvents, start_web_front
from tests.browser.helpers import Chat
from tests.harness.ports import free_port

REPLY = "Hello from the assistant on its own origin"


class Server:
    """A ThreadingHTTPServer on a free loopback port, in a thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int | None = None) -> None:
        self.port = port or free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def fake_rasa(received: List[dict]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            received.append(body)
            reply = json.dumps([{"recipient_id": body.get("sender"), "text": REPLY}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def embed_snippet(chat_origin: str) -> str:
    """The one line the therapist pastes into his site (as the README and the demo page show)."""
    return f'<script src="{chat_origin}/widget/chat.js" defer data-server="{chat_origin}"></script>'


def site_csp(chat_origin: str) -> str:
    """A strict policy for the site that lets the widget in from the chat origin only."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {chat_origin}",
            f"style-src 'self' {chat_origin}",
            f"connect-src 'self' {chat_origin}",
            "img-src 'self'",
            f"frame-src {chat_origin}",
            "base-uri 'none'",
            "object-src 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types dompurify chat-widget",
        ]
    )


def site(chat_origin: str, extra_body: str = "") -> type[BaseHTTPRequestHandler]:
    page = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        "<title>Tim Norton, therapist</title></head><body><main><h1>A page on the therapist's site</h1>"
        '<p>Some text.</p><h2 id="contact">Contact</h2><p>Details.</p>'
        f"{extra_body}</main>{embed_snippet(chat_origin)}</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", site_csp(chat_origin))
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class Setup:
    def __init__(self, chat_origin: str, allowed: Server, other: Server, received: List[dict]) -> None:
        self.chat_origin = chat_origin
        self.allowed = allowed
        self.other = other
        self.received = received


@pytest.fixture(scope="module")
def embed() -> Iterator[Setup]:
    received: List[dict] = []
    rasa = Server(fake_rasa(received))
    # The servers' ports are known before the chat server starts, so EMBED_ORIGINS can name one.
    allowed_port, other_port = free_port(), free_port()
    allowed_origin = f"http://127.0.0.1:{allowed_port}"
    base = tempfile.mkdtemp(prefix="web-embed-")
    front = start_web_front(
        rasa.origin,
        "web-embed",
        {"EMBED_ORIGINS": allowed_origin, "DATABASE_URL": f"sqlite:///{base}/enquiries.db"},
    )
    chat_origin = front.base_url.rstrip("/")
    frames = f'<iframe title="inbox" src="{chat_origin}/admin/login"></iframe>'
    allowed = Server(site(chat_origin, frames), allowed_port)
    other = Server(site(chat_origin), other_port)
    try:
        yield Setup(chat_origin, allowed, other, received)
    finally:
        allowed.stop()
        other.stop()
        rasa.stop()
        front.process.terminate()
        front.process.wait(timeout=10)


def webhook_calls(chat: Chat) -> List[str]:
    return [request.url for request in chat.requests]


def test_the_widget_and_api_work_from_the_embedding_site(
    page: Page, embed: Setup, events: PageEvents
) -> None:
    chat = Chat(page, embed.allowed.origin + "/").goto()
    script = page.locator("script[src$='/widget/chat.js']")
    expect(script).to_have_attribute("src", embed.chat_origin + "/widget/chat.js")
    chat.open()
    assert REPLY in chat.bot_texts()[0]
    assert REPLY in chat.ask("Is this an addiction?")
    assert webhook_calls(chat) and all(url.startswith(embed.chat_origin) for url in webhook_calls(chat))
    assert any(body.get("message") == "Is this an addiction?" for body in embed.received)
    # The stylesheet came from the chat origin and applied under the site's own strict CSP.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.cw-root')).position") == "fixed"
    assert chat.csp_violations() == []
    assert events.errors == []


def test_a_site_not_in_embed_origins_is_refused(page: Page, embed: Setup) -> None:
    before = len(embed.received)
    chat = Chat(page, embed.other.origin + "/").goto()
    chat.open(wait_for_greeting=False)
    expect(chat.alert.get_by_role("button", name="Retry")).to_be_visible(timeout=20_000)
    assert len(embed.received) == before, "the preflight was refused: nothing reached the chat server"


def test_the_chat_servers_pages_cannot_be_framed_by_the_site(page: Page, embed: Setup) -> None:
    console: List[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(embed.allowed.origin + "/")
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector('iframe[title=inbox]') !== null")
    page.wait_for_timeout(500)
    framed = [frame for frame in page.frames if frame is not page.main_frame]
    assert framed and all(frame.url.startswith("chrome-error://") for frame in framed), [
        f.url for f in framed
    ]
    assert any("frame-ancestors 'none'" in text for text in console), console
    response = requests.get(embed.chat_origin + "/admin/login", timeout=10)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path, cors",
    [("/widget/chat.js", True), ("/widget/help.json", True), ("/", False), ("/admin/login", False)],
)
def test_cross_origin_headers_only_where_the_site_needs_them(embed: Setup, path: str, cors: bool) -> None:
    response = requests.get(embed.chat_origin + path, headers={"Origin": embed.allowed.origin}, timeout=10)
    assert response.status_code == 200
    assert (response.headers.get("Access-Control-Allow-Origin") == embed.allowed.origin) is cors
    assert response.headers["Cross-Origin-Resource-Policy"] == ("cross-origin" if cors else "same-origin")
    stranger = requests.get(embed.chat_origin + path, headers={"Origin": embed.other.origin}, timeout=10)
    assert "Access-Control-Allow-Origin" not in stranger.headers
