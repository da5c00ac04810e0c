"""The web front (assistant/web): static files, strict headers, and the chat proxy, hermetic.

A fake chat server stands in for Rasa; every test runs its own event loop.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List

import aiohttp.http_parser
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from assistant.web.app import clean_reply, content_security_policy, create_app
from assistant.web.config import WebConfig, WebConfigError, load_web_config
from tests.harness.ports import free_port

WEBHOOK = "/webhooks/rest/webhook"
SECRET = "my name is Alex and I live at 1 High Street"


class FakeRasa:
    """A stand-in for Rasa's REST channel that records what it was sent."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.forwarded_for: List[str] = []
        self.mode = "ok"

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.received.append(body)
        self.forwarded_for.append(request.headers.get("X-Forwarded-For", ""))
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "error":
            return web.Response(status=500, text="Traceback (most recent call last): ...")
        if self.mode == "not_json":
            return web.Response(text="<html>oops</html>")
        if self.mode == "limited":
            return web.json_response(
                [{"recipient_id": body["sender"], "text": "Slow down; call 999 in an emergency."}],
                status=429,
                headers={"Retry-After": "7"},
            )
        if self.mode == "not_list":
            return web.json_response({"text": "hi"})
        if self.mode in ("two_pieces", "too_large_in_pieces"):
            # A reply written in pieces with pauses between them, as a busy server may send it.
            reply = web.StreamResponse(headers={"Content-Type": "application/json"})
            await reply.prepare(request)
            if self.mode == "two_pieces":
                pieces = [b'[{"recipient_id": "x", "text": "Hel', b'lo"}]']
            else:
                pieces = [b'[{"text": "' + b"a" * 300 * 1024, b"a" * 300 * 1024 + b'"}]']
            for piece in pieces:
                await reply.write(piece)
                await asyncio.sleep(0.05)
            await reply.write_eof()
            return reply
        return web.json_response(
            [
                {
                    "recipient_id": body["sender"],
                    "text": "Hello",
                    "buttons": [{"title": "A", "payload": "a"}],
                },
                {"recipient_id": body["sender"], "image": "https://example.org/x.png"},
                {"recipient_id": body["sender"], "custom": {"html": "<script>x</script>"}, "text": "Bye"},
            ]
        )


Scenario = Callable[[TestClient, FakeRasa], Awaitable[None]]


def run(scenario: Scenario, upstream: bool = True, **config: Any) -> FakeRasa:
    """Start a fake Rasa (unless ``upstream`` is False) and the web front, then run ``scenario``."""
    fake = FakeRasa()

    async def main() -> None:
        rasa_app = web.Application()
        rasa_app.router.add_post(WEBHOOK, fake.webhook)
        async with TestServer(rasa_app) as rasa_server:
            rasa_url = str(rasa_server.make_url("")).rstrip("/")
            if not upstream:
                rasa_url = f"http://127.0.0.1:{free_port()}"
            settings = WebConfig(rasa_url=rasa_url, **config)
            async with TestClient(TestServer(create_app(settings))) as client:
                await scenario(client, fake)

    # In a thread of its own: a session that also ran the Playwright tests has a loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
    return fake


# --- static files and headers ------------------------------------------------------------------


def test_the_demo_page_is_served_with_strict_headers() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.get("/")
        assert response.status == 200
        assert "widget/chat.js" in await response.text()
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "connect-src 'self';" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "microphone=()" in response.headers["Permissions-Policy"]
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["Server"] == "web"
        script = await client.get("/widget/chat.js")
        assert script.status == 200 and "javascript" in script.headers["Content-Type"]
        assert script.headers["Content-Security-Policy"] == csp

    run(scenario)


@pytest.mark.parametrize(
    "path",
    [
        "/missing.html",
        "/.git/config",
        "/widget/.hidden",
        "/%2e%2e/pyproject.toml",
        "/widget/%2e%2e/%2e%2e/pyproject.toml",
        "/..%2fpyproject.toml",
        "/widget/..%5c..%5cpyproject.toml",
    ],
)
def test_nothing_outside_the_web_root_or_hidden_is_served(path: str) -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.get(path)
        assert response.status == 404
        assert await response.json() == {"error": "not_found"}
        assert response.headers["Cache-Control"] == "no-store"
        assert "Content-Security-Policy" in response.headers

    run(scenario)


def test_chat_server_elsewhere_is_added_to_connect_src_and_the_page() -> None:
    config = WebConfig(chat_server_url="https://chat.example.org:8443/")
    assert config.chat_server_origin == "https://chat.example.org:8443"
    assert "connect-src 'self' https://chat.example.org:8443;" in content_security_policy(config)

    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        page = await (await client.get("/")).text()
        assert 'data-server="https://chat.example.org:8443"' in page

    run(scenario, chat_server_url="https://chat.example.org:8443")


# --- the proxy ---------------------------------------------------------------------------------


def test_start_and_messages_are_forwarded_without_extra_fields() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        start = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "start": True})
        assert start.status == 200
        message = await client.post(
            WEBHOOK,
            json={"sender": "abcdefgh1234", "message": "hello", "metadata": {"is_minor": False}, "x": 1},
        )
        assert message.status == 200
        assert message.headers["Cache-Control"] == "no-store"
        assert await message.json() == [
            {"recipient_id": "abcdefgh1234", "text": "Hello", "buttons": [{"title": "A", "payload": "a"}]},
            {"recipient_id": "abcdefgh1234", "text": "Bye"},
        ]

    fake = run(scenario)
    assert fake.received == [
        {"sender": "abcdefgh1234", "start": True},
        {"sender": "abcdefgh1234", "message": "hello"},
    ]


def test_the_client_message_id_is_forwarded_so_rasa_can_recognise_a_retry() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        for body in (
            {"sender": "abcdefgh1234", "start": True, "message_id": "start-00001111"},
            {"sender": "abcdefgh1234", "message": "hello", "message_id": "msg-00002222"},
            {"sender": "abcdefgh1234", "message": "hello", "message_id": "msg-00002222"},
        ):
            assert (await client.post(WEBHOOK, json=body)).status == 200

    fake = run(scenario)
    assert fake.received == [
        {"sender": "abcdefgh1234", "start": True, "message_id": "start-00001111"},
        {"sender": "abcdefgh1234", "message": "hello", "message_id": "msg-00002222"},
        {"sender": "abcdefgh1234", "message": "hello", "message_id": "msg-00002222"},
    ]


@pytest.mark.parametrize(
    "body, status, error",
    [
        (b"{not json", 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        (b"[1, 2]", 400, "malformed_request"),
        (b"[" * 10000, 400, "malformed_json"),  # nested too deep for the parser
        (b"", 400, "malformed_json"),
        (b'{"message": "hi"}', 400, "invalid_sender"),
        (b'{"sender": "short", "message": "hi"}', 400, "invalid_sender"),
        (b'{"sender": "../../etc/passwd", "message": "hi"}', 400, "invalid_sender"),
        (b'{"sender": "abcdefgh1234"}', 400, "empty_message"),
        (b'{"sender": "abcdefgh1234", "message": "   "}', 400, "empty_message"),
        (b'{"sender": "abcdefgh1234", "message": 5}', 400, "invalid_message"),
        (b'{"sender": "abcdefgh1234", "start": "yes"}', 400, "empty_message"),
        (b'{"sender": "abcdefgh1234", "message": "hi", "message_id": "short"}', 400, "invalid_message_id"),
        (b'{"sender": "abcdefgh1234", "message": "hi", "message_id": 12345678}', 400, "invalid_message_id"),
        (json.dumps({"sender": "abcdefgh1234", "message": "a" * 1001}).encode(), 413, "message_too_long"),
        (json.dumps({"sender": "abcdefgh1234", "message": "a" * 20000}).encode(), 413, "request_too_large"),
    ],
)
def test_bad_requests_get_a_short_json_error_and_reach_nobody(body: bytes, status: int, error: str) -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(WEBHOOK, data=body, headers={"Content-Type": "application/json"})
        assert response.status == status
        assert (await response.json())["error"] == error
        assert response.headers["Cache-Control"] == "no-store"

    assert run(scenario).received == []


def test_a_message_of_exactly_the_limit_is_accepted_counting_characters_not_bytes() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        text = "é" * 999 + "🙂"  # 1000 characters, 2000+ bytes
        response = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "message": text})
        assert response.status == 200

    run(scenario)


def test_chunked_body_over_the_limit_is_refused() -> None:
    async def body():
        for _ in range(40):
            yield b" " * 1024

    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(WEBHOOK, data=body(), headers={"Content-Type": "application/json"})
        assert response.status == 413

    run(scenario)


def test_only_json_is_accepted() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(WEBHOOK, data="sender=abcdefgh1234&message=hi")
        assert response.status == 415
        assert await response.json() == {"error": "unsupported_media_type"}

    run(scenario)


CHAT_REQUEST = json.dumps({"sender": "abcdefgh1234", "message": "hi"}).encode()


COMPRESSED = {
    "deflate": zlib.compress(CHAT_REQUEST),
    "gzip": gzip.compress(CHAT_REQUEST),
    "br": b"\x0b\x00\x80hi\x03",
    "identity": CHAT_REQUEST,
}


@pytest.mark.parametrize("encoding", sorted(COMPRESSED))
def test_compressed_requests_are_refused(encoding: str) -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(
            WEBHOOK,
            data=COMPRESSED[encoding],
            headers={"Content-Type": "application/json", "Content-Encoding": encoding},
        )
        assert response.status == 415
        assert await response.json() == {"error": "unsupported_content_encoding"}

    assert run(scenario).received == []


def test_a_decompression_bomb_is_refused_without_being_inflated(monkeypatch) -> None:
    inflaters: List[str] = []

    class Recording(aiohttp.http_parser.ZLibDecompressor):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            inflaters.append(kwargs.get("encoding", ""))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(aiohttp.http_parser, "ZLibDecompressor", Recording)
    bomb = zlib.compress(b'{"sender": "abcdefgh1234", "message": "' + b" " * 200 * 1024 + b'"}', 9)
    assert len(bomb) < 1024

    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(
            WEBHOOK, data=bomb, headers={"Content-Type": "application/json", "Content-Encoding": "deflate"}
        )
        assert response.status == 415
        assert await response.json() == {"error": "unsupported_content_encoding"}

    assert run(scenario).received == []
    assert inflaters == []  # the server never started inflating the body


@pytest.mark.parametrize(
    "mode, status, error",
    [
        ("error", 502, "chat_server_error"),
        ("not_json", 502, "chat_server_error"),
        ("not_list", 502, "chat_server_error"),
        ("slow", 504, "chat_server_timeout"),
    ],
)
def test_chat_server_failures_become_502_or_504(mode: str, status: int, error: str) -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        fake.mode = mode
        response = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "message": "hi"})
        assert response.status == status
        assert await response.json() == {"error": error}  # never the upstream's text or a traceback

    run(scenario, upstream_timeout=0.3)


def test_a_reply_that_arrives_in_pieces_is_read_to_the_end() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        fake.mode = "two_pieces"
        response = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "message": "hi"})
        assert response.status == 200
        assert await response.json() == [{"recipient_id": "x", "text": "Hello"}]

    run(scenario)


def test_a_reply_over_the_size_cap_in_pieces_is_a_clean_502() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        fake.mode = "too_large_in_pieces"
        response = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "message": "hi"})
        assert response.status == 502
        assert await response.json() == {"error": "chat_server_error"}

    run(scenario)


def test_rate_limited_replies_are_passed_on_with_retry_after() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        fake.mode = "limited"
        response = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "message": "hi"})
        assert response.status == 429
        assert response.headers["Retry-After"] == "7"
        assert await response.json() == [
            {"recipient_id": "abcdefgh1234", "text": "Slow down; call 999 in an emergency."}
        ]

    run(scenario)


def test_the_visitor_address_is_forwarded_and_a_client_supplied_one_is_not() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        await client.post(
            WEBHOOK,
            json={"sender": "abcdefgh1234", "message": "hi"},
            headers={"X-Forwarded-For": "6.6.6.6"},
        )

    fake = run(scenario)
    assert fake.forwarded_for == ["127.0.0.1"]


def test_chat_server_down_is_502() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "start": True})
        assert response.status == 502
        assert await response.json() == {"error": "chat_server_unavailable"}

    run(scenario, upstream=False)


def test_other_methods_get_json_errors() -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        response = await client.put(WEBHOOK, json={})
        assert response.status == 405
        assert await response.json() == {"error": "method_not_allowed"}

    run(scenario)


def test_the_access_log_has_method_path_status_and_latency_but_no_bodies(caplog) -> None:
    async def scenario(client: TestClient, fake: FakeRasa) -> None:
        await client.post(WEBHOOK + "?q=" + "x", json={"sender": "abcdefgh1234", "message": SECRET})
        await client.post(WEBHOOK, json={"sender": "abcdefgh1234", "message": SECRET * 40})

    with caplog.at_level(logging.INFO, logger="assistant.web"):
        run(scenario)
    lines = [r.getMessage() for r in caplog.records if r.name == "assistant.web.access"]
    assert len(lines) == 2
    assert lines[0].startswith("POST /webhooks/rest/webhook 200 ") and lines[0].endswith("ms")
    assert lines[1].startswith("POST /webhooks/rest/webhook 413 ")
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert "Alex" not in everything and "abcdefgh1234" not in everything and "q=x" not in everything


def test_clean_reply_keeps_only_text_and_buttons() -> None:
    assert clean_reply({"text": "x"}) is None
    assert clean_reply(
        [
            "junk",
            {"text": 5},
            {"buttons": [{"title": "T"}, {"payload": "no title"}, "junk"]},
            {"text": "ok", "buttons": [], "attachment": {"x": 1}},
        ]
    ) == [{"buttons": [{"title": "T", "payload": "T"}]}, {"text": "ok"}]


def test_clean_reply_passes_only_the_forget_signal_of_custom_messages() -> None:
    assert clean_reply(
        [
            {"custom": {"forget_conversation": True, "extra": "<script>"}},
            {"custom": {"forget_conversation": "yes"}},
            {"custom": {"anything": 1}},
        ]
    ) == [{"custom": {"forget_conversation": True}}]


# --- configuration ----------------------------------------------------------------------------


def test_config_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    config = load_web_config(
        {
            "WEB_HOST": "0.0.0.0",
            "WEB_PORT": "9000",
            "RASA_URL": "http://rasa:5005/",
            "WEB_ROOT": str(tmp_path),
        }
    )
    assert (config.host, config.port, config.webhook_url) == (
        "0.0.0.0",
        9000,
        "http://rasa:5005/webhooks/rest/webhook",
    )
    defaults = load_web_config({})
    assert (defaults.host, defaults.port, defaults.rasa_url) == ("127.0.0.1", 8080, "http://127.0.0.1:5005")


@pytest.mark.parametrize(
    "env",
    [
        {"WEB_PORT": "eighty"},
        {"RASA_URL": "ftp://rasa"},
        {"CHAT_SERVER_URL": "javascript:alert(1)"},
        {"WEB_UPSTREAM_TIMEOUT": "0"},
        {"WEB_ROOT": "/nonexistent"},
    ],
)
def test_unusable_config_is_refused(env: Dict[str, str]) -> None:
    with pytest.raises(WebConfigError):
        load_web_config(env)
