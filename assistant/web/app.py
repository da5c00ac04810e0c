"""The web front: the demo page and the widget, and a proxy to Rasa's REST channel.

Serving the page, the widget and the chat API from one origin lets the page run
under a strict Content-Security-Policy (``connect-src 'self'``) and needs no CORS. When the
therapist's own site (another origin, ``EMBED_ORIGINS``) embeds the widget from here, the
widget's files and the chat API answer that origin's cross-origin requests and no other's.
The therapist's inbox lives under ``/admin/`` (:mod:`assistant.web.admin`).
The proxy forwards only ``{"sender", "message"}`` or ``{"sender", "start": true}``
(with the widget's ``message_id`` when it sent one, so Rasa's channel can answer a
Retry with the first reply) to Rasa, with a body size limit (request bodies are never decompressed: a compressed
request is refused) and a timeout, and hands back only the parts of
Rasa's reply the widget renders (text and buttons). Every error is a short JSON
object; nothing about the request or the exception is echoed. The access log
records method, path, status and latency, never a body.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import time
from pathlib import Path, PurePosixPath
from typing import Any, Awaitable, Callable, Dict, List
from urllib.parse import urlsplit

import aiohttp
from aiohttp import hdrs, web

from assistant.chat_request import Rejected, is_json_media_type, parse_chat_request
from assistant.enquiries.store import EnquiryStore
from assistant.web.admin.views import setup_admin, store_errors
from assistant.web.config import WebConfig

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("assistant.web.access")

WEBHOOK_PATH = "/webhooks/rest/webhook"
# Rasa's reply is small (a few messages); anything far larger is not a reply.
MAX_UPSTREAM_BYTES = 512 * 1024
# Placeholder in index.html that CHAT_SERVER_URL replaces (empty: this server).
SERVER_ATTRIBUTE = 'data-server=""'

CONFIG_KEY = web.AppKey("config", WebConfig)
SESSION_KEY = web.AppKey("session", aiohttp.ClientSession)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def content_security_policy(config: WebConfig) -> str:
    """A CSP with no inline script or style; the chat server's origin added when it is elsewhere."""
    connect = "'self'"
    if config.chat_server_origin:
        connect += " " + config.chat_server_origin
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            f"connect-src {connect}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
            # Trusted Types (Chromium): only DOMPurify's policy may turn strings into HTML,
            # and only the widget's policy may name a script (its two vendored libraries).
            "require-trusted-types-for 'script'",
            "trusted-types dompurify chat-widget",
        ]
    )


def security_headers(config: WebConfig) -> Dict[str, str]:
    """Headers set on every response."""
    return {
        "Content-Security-Policy": content_security_policy(config),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            "display-capture=(), fullscreen=(self)"
        ),
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Server": "web",
    }


def json_error(status: int, error: str, **extra: Any) -> web.Response:
    """A short JSON error body: ``{"error": code, ...}``."""
    return web.json_response({"error": error, **extra}, status=status)


# --- middleware and signals -------------------------------------------------------------


@web.middleware
async def access_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log method, path, status and latency; turn every failure into a JSON error."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        return json_error(exc.status, _error_code(exc.status))
    except asyncio.CancelledError:
        status = 499  # the client went away
        raise
    except Exception as exc:  # noqa: BLE001 - never a stack trace to the visitor
        logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.path)
        return json_error(500, "internal_error")
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        access_logger.info("%s %s %d %.0fms", request.method, request.path, status, elapsed)


def _error_code(status: int) -> str:
    return {
        400: "bad_request",
        404: "not_found",
        405: "method_not_allowed",
        413: "request_too_large",
    }.get(status, "error")


def _headers_hook(config: WebConfig) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    headers = security_headers(config)

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(headers)
        response.headers.update(embed_headers(config, request))
        if request.path.startswith("/webhooks/") or response.status >= 400:
            response.headers["Cache-Control"] = "no-store"
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-cache"

    return on_prepare


# --- embedding on another origin ---------------------------------------------------------------


WIDGET_PREFIX = "/widget/"


def allowed_origin(config: WebConfig, request: web.Request) -> str | None:
    """The request's ``Origin`` when it is one of ``EMBED_ORIGINS``, else None."""
    origin = (request.headers.get("Origin") or "").lower()
    return origin if origin and origin in config.embed_origins else None


def embed_headers(config: WebConfig, request: web.Request) -> Dict[str, str]:
    """Headers that let the therapist's site (``EMBED_ORIGINS``) use the widget and the chat API.

    The widget's files may be loaded by another origin (``Cross-Origin-Resource-Policy:
    cross-origin``) once any embedding origin is configured; CORS (the widget's ``help.json``,
    the chat API) answers only those origins. Every other response stays same-origin.
    """
    if not config.embed_origins:
        return {}
    path = request.path
    extra: Dict[str, str] = {}
    if path.startswith(WIDGET_PREFIX) or path == WEBHOOK_PATH:
        extra["Vary"] = "Origin"
        origin = allowed_origin(config, request)
        if origin:
            extra["Access-Control-Allow-Origin"] = origin
    if path.startswith(WIDGET_PREFIX):
        extra["Cross-Origin-Resource-Policy"] = "cross-origin"
    return extra


def _foreign_origin(config: WebConfig, request: web.Request) -> bool:
    """A browser request from a page that is neither this server's nor an embedding site's."""
    origin = request.headers.get("Origin")
    if not origin:
        return False  # not a cross-origin browser request (curl, the tests, same-origin GETs)
    if allowed_origin(config, request):
        return False
    return urlsplit(origin).netloc.lower() != request.host.lower()


async def chat_preflight(request: web.Request) -> web.Response:
    """OPTIONS on the chat API: allowed for ``EMBED_ORIGINS`` only (POST with a JSON body)."""
    config = request.app[CONFIG_KEY]
    origin = allowed_origin(config, request)
    method = request.headers.get("Access-Control-Request-Method", "")
    if origin is None or method.upper() != "POST":
        return web.Response(status=403)
    return web.Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        },
    )


# --- the chat API proxy --------------------------------------------------------------------


async def _read_to_end(stream: aiohttp.StreamReader, declared: int | None, limit: int) -> bytes | None:
    """All of a body, read until its end however many pieces it comes in, or None when it is
    (or says it is, in ``declared``, its Content-Length) longer than ``limit`` bytes."""
    if declared is not None and declared > limit:
        return None
    chunks: List[bytes] = []
    size = 0
    async for chunk in stream.iter_chunked(8192):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _upstream_payload(raw: bytes, content_type: str | None, max_chars: int) -> Dict[str, Any] | web.Response:
    """What is forwarded to Rasa, or the error response for a request that is not acceptable
    (:func:`parse_chat_request`'s rules, the ones Rasa's channel applies, then this route's own:
    an empty or over-long message is refused here rather than answered)."""
    parsed = parse_chat_request(raw, content_type)
    if isinstance(parsed, Rejected):
        return json_error(parsed.status, parsed.error)
    message_id = {"message_id": parsed.message_id} if parsed.message_id else {}
    if parsed.message is None:
        return {"sender": parsed.sender, "start": True, **message_id}
    if len(parsed.message) > max_chars:
        return json_error(413, "message_too_long", limit=max_chars)
    if not parsed.message.strip():
        return json_error(400, "empty_message")
    return {"sender": parsed.sender, "message": parsed.message, **message_id}


def clean_reply(data: Any) -> List[Dict[str, Any]] | None:
    """Keep only what the widget uses: recipient id, text, buttons (title, payload), and the
    one custom signal it understands, ``forget_conversation`` (after "delete my chat")."""
    if not isinstance(data, list):
        return None
    messages: List[Dict[str, Any]] = []
    for item in data:
        if not isinstance(item, dict):
            continue
        message: Dict[str, Any] = {}
        if isinstance(item.get("recipient_id"), str):
            message["recipient_id"] = item["recipient_id"]
        if isinstance(item.get("text"), str):
            message["text"] = item["text"]
        buttons = [
            {
                "title": b["title"],
                "payload": b.get("payload") if isinstance(b.get("payload"), str) else b["title"],
            }
            for b in item.get("buttons") or []
            if isinstance(b, dict) and isinstance(b.get("title"), str)
        ]
        if buttons:
            message["buttons"] = buttons
        custom = item.get("custom")
        if isinstance(custom, dict) and custom.get("forget_conversation") is True:
            message["custom"] = {"forget_conversation": True}
        if "text" in message or "buttons" in message or "custom" in message:
            messages.append(message)
    return messages


async def proxy_webhook(request: web.Request) -> web.Response:
    """POST /webhooks/rest/webhook: check the request, forward it to Rasa, return its reply."""
    config = request.app[CONFIG_KEY]
    if _foreign_origin(config, request):
        return json_error(403, "origin_not_allowed")
    if hdrs.CONTENT_ENCODING in request.headers:
        # A compressed body could inflate far past the size limit: chat requests are small.
        return json_error(415, "unsupported_content_encoding")
    content_type = request.headers.get(hdrs.CONTENT_TYPE)
    if not is_json_media_type(content_type):
        return json_error(415, "unsupported_media_type")
    raw = await _read_to_end(request.content, request.content_length, config.max_body_bytes)
    if raw is None:
        return json_error(413, "request_too_large", limit=config.max_body_bytes)
    payload = _upstream_payload(raw, content_type, config.max_message_chars)
    if isinstance(payload, web.Response):
        return payload

    session = request.app[SESSION_KEY]
    # The visitor's address, for Rasa's per-address limit (Rasa reads it with
    # TRUSTED_PROXY_HOPS=1). Set, not appended: a client-supplied X-Forwarded-For is not passed on.
    headers = {"X-Forwarded-For": request.remote or "unknown"}
    retry_after = None
    try:
        async with session.post(config.webhook_url, json=payload, headers=headers) as upstream:
            if upstream.status not in (200, 429):
                logger.warning("chat server answered %d", upstream.status)
                return json_error(502, "chat_server_error")
            status = upstream.status
            retry_after = upstream.headers.get("Retry-After")
            raw_reply = await _read_to_end(upstream.content, upstream.content_length, MAX_UPSTREAM_BYTES)
    except asyncio.TimeoutError:
        logger.warning("chat server did not answer within %.0fs", config.upstream_timeout)
        return json_error(504, "chat_server_timeout")
    except aiohttp.ClientError as exc:
        logger.warning("chat server unreachable: %s", type(exc).__name__)
        return json_error(502, "chat_server_unavailable")

    if raw_reply is None:
        logger.warning("chat server sent a reply over %d bytes", MAX_UPSTREAM_BYTES)
        return json_error(502, "chat_server_error")
    try:
        messages = clean_reply(json.loads(raw_reply.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        messages = None
    if status == 429:
        # Too many messages: pass the chat server's own (friendly) reply and its Retry-After on.
        extra = {"Retry-After": retry_after} if retry_after and retry_after.isdigit() else {}
        return web.json_response(messages or [], status=429, headers=extra)
    if messages is None:
        logger.warning("chat server sent a reply that is not a list of messages")
        return json_error(502, "chat_server_error")
    return web.json_response(messages)


# --- static files ----------------------------------------------------------------------------


def _static_file(root: Path, relative: str) -> Path | None:
    """The file under ``root`` for a URL path, or None (no dot-files, no escaping the root)."""
    if not relative or relative.endswith("/"):
        relative += "index.html"
    parts = PurePosixPath(relative).parts
    if any(part in ("..", "/") or part.startswith(".") or "\\" in part or "\x00" in part for part in parts):
        return None
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


async def serve_static(request: web.Request) -> web.StreamResponse:
    """GET the demo page, the widget and its assets from WEB_ROOT."""
    config = request.app[CONFIG_KEY]
    root = config.web_root.resolve()
    path = _static_file(root, request.match_info.get("path", ""))
    if path is None:
        return json_error(404, "not_found")
    if path == root / "index.html" and config.chat_server_url:
        page = path.read_text(encoding="utf-8").replace(
            SERVER_ATTRIBUTE, f'data-server="{html.escape(config.chat_server_url, quote=True)}"', 1
        )
        return web.Response(text=page, content_type="text/html")
    return web.FileResponse(path)


# --- the application -------------------------------------------------------------------------


def create_app(config: WebConfig, store: EnquiryStore | None = None) -> web.Application:
    """The aiohttp application for ``config`` (``store``: the enquiry store the inbox uses)."""
    # Bodies are never inflated (a few hundred bytes of deflate can expand to gigabytes);
    # the chat route refuses any Content-Encoding.
    app = web.Application(
        middlewares=[access_log, store_errors],
        client_max_size=config.max_body_bytes,
        handler_args={"auto_decompress": False},
    )
    app[CONFIG_KEY] = config

    async def client_session(app: web.Application):
        timeout = aiohttp.ClientTimeout(total=config.upstream_timeout)
        async with aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as session:
            app[SESSION_KEY] = session
            yield

    app.cleanup_ctx.append(client_session)
    app.on_response_prepare.append(_headers_hook(config))  # type: ignore[arg-type]  # aiohttp 3.9 types its signals for aiosignal 1.3, not 1.4
    setup_admin(app, config, store)
    app.router.add_route("OPTIONS", WEBHOOK_PATH, chat_preflight)
    app.router.add_post(WEBHOOK_PATH, proxy_webhook)
    app.router.add_get("/{path:.*}", serve_static)
    return app
