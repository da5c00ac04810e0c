"""The REST channel the website talks to, served at /webhooks/rest/webhook.

It replaces the route of Rasa's own REST channel so that bad input never reaches
the assistant and nothing a visitor typed reaches a log:

- the body must be a JSON object with a string ``sender`` (a random id, 8-64 of
  ``A-Za-z0-9_-``) and a string ``message``; anything else gets a 4xx with a
  short JSON error (malformed JSON, a JSON array, a content type other than
  ``application/json``, so no CORS "simple" request gets through). These rules
  are :mod:`assistant.chat_request`'s, which the web front's proxy applies too;
- lone surrogates, NUL and other control characters are removed; an empty or
  whitespace-only message, and one over ``MAX_MESSAGE_CHARS``, get a clear reply
  without reaching the assistant;
- per-conversation and per-address limits (``RATE_LIMIT_PER_SENDER``,
  ``RATE_LIMIT_PER_ADDRESS`` per minute) answer 429 with a friendly message that
  still carries the crisis numbers; the address is the socket peer, or behind
  ``TRUSTED_PROXY_HOPS`` proxies of our own the X-Forwarded-For entry the first of
  them wrote (never one the client wrote);
- Rasa treats text that starts with ``/`` as a command (``/intent{"slot": ...}``)
  and skips NLU. Visitors must not be able to trigger intents or set slots that
  way, so leading slashes are removed; buttons carry plain-text payloads that go
  through NLU like typed text;
- a widget opens the conversation with ``{"sender": ..., "start": true}`` (no
  message): the channel turns that, and only that, into the greeting intent;
- client ``metadata``, ``input_channel`` and streaming are ignored; errors are
  logged by class name only (Rasa's own REST route logs the message text).

The request body size is capped by Sanic (``SANIC_REQUEST_MAX_SIZE``, set by
scripts/serve.sh) before any of this runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.chat_request import MAX_MESSAGE_CHARS, Rejected, parse_chat_request
from assistant.rate_limit import SlidingWindowLimiter, client_address, trusted_proxy_hops
from assistant.settings import get_settings

logger = logging.getLogger(__name__)

_LEADING_SLASHES = re.compile(r"^[\s/]+")
OPENING_COMMAND = "/greet"
DEFAULT_MAX_MESSAGE_CHARS = MAX_MESSAGE_CHARS
DEFAULT_SENDER_LIMIT = 30  # messages per conversation per minute
DEFAULT_ADDRESS_LIMIT = 120  # messages per address per minute
DEFAULT_TIMEOUT = 60.0


def neutralise_commands(text: str) -> str:
    """Strip the leading slashes (and the whitespace around them) that would make text a command."""
    if text.lstrip().startswith("/"):
        return _LEADING_SLASHES.sub("", text)
    return text


def clean_text(text: str) -> str:
    """Remove what no visitor means to send: lone surrogates, NUL and control characters."""
    kept = []
    for char in text:
        if "\ud800" <= char <= "\udfff":
            continue
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            continue
        kept.append(char)
    return "".join(kept)


@dataclass(frozen=True)
class Incoming:
    """A valid request: who sent it and what to pass to the assistant."""

    sender: str
    text: str
    opening: bool = False


def parse_request(body: bytes, content_type: str | None) -> Union[Incoming, Rejected]:
    """Check a webhook request body (:func:`parse_chat_request`) and clean its text; never raises."""
    parsed = parse_chat_request(body, content_type)
    if isinstance(parsed, Rejected):
        return parsed
    if parsed.message is None:
        return Incoming(parsed.sender, OPENING_COMMAND, opening=True)
    return Incoming(parsed.sender, neutralise_commands(clean_text(parsed.message)))


def _bot(sender: str, text: str) -> List[Dict[str, Any]]:
    return [{"recipient_id": sender, "text": text}]


class RestChannel(RestInput):
    """Rasa's REST channel with validation, limits, command syntax disabled and quiet logs."""

    def __init__(self) -> None:
        super().__init__()
        env = os.environ
        self.max_chars = int(env.get("MAX_MESSAGE_CHARS") or DEFAULT_MAX_MESSAGE_CHARS)
        self.timeout = float(env.get("CHAT_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT)
        self.per_sender = SlidingWindowLimiter(int(env.get("RATE_LIMIT_PER_SENDER") or DEFAULT_SENDER_LIMIT))
        self.per_address = SlidingWindowLimiter(
            int(env.get("RATE_LIMIT_PER_ADDRESS") or DEFAULT_ADDRESS_LIMIT)
        )
        self.proxy_hops = trusted_proxy_hops(env)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> RestChannel:
        return cls()

    def _extract_message(self, req: Request) -> str:
        """Kept for callers of Rasa's interface; the route below uses :func:`parse_request`."""
        body = req.json if isinstance(req.json, dict) else {}
        if body.get("start") is True and not body.get("message"):
            return OPENING_COMMAND
        text = body.get("message")
        return neutralise_commands(text) if isinstance(text, str) else text

    def address(self, request: Request) -> str:
        """The client address: the socket peer, or behind ``TRUSTED_PROXY_HOPS`` proxies the
        X-Forwarded-For entry the first of them wrote (see :func:`client_address`)."""
        forwarded = ", ".join(request.headers.getall("x-forwarded-for", []))
        return client_address(request.ip, forwarded, self.proxy_hops)

    def _limited(self, sender: str) -> HTTPResponse:
        values = get_settings().template_vars()
        text = (
            "You're sending messages faster than I can answer. Please wait a moment and try again. "
            f"If you need help right now, call {values.get('help_emergency', '')} or "
            f"{values.get('help_crisis_line_name', '')} on {values.get('help_crisis_line_number', '')}."
        )
        retry = max(self.per_sender.retry_after(sender), 1)
        return response.json(_bot(sender, text), status=429, headers={"Retry-After": str(retry)})

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Validate, limit, then pass the message to the assistant and return its replies."""
        parsed = parse_request(request.body or b"", request.headers.get("content-type"))
        if isinstance(parsed, Rejected):
            logger.info("chat request refused status=%d", parsed.status)
            return response.json({"error": parsed.error, "detail": parsed.detail}, status=parsed.status)
        if not self.per_address.allow(self.address(request)) or not self.per_sender.allow(parsed.sender):
            logger.info("chat request rate-limited")
            return self._limited(parsed.sender)
        if not parsed.text.strip():
            return response.json(
                _bot(parsed.sender, "I didn't catch anything there. Type a question, or pick a topic.")
            )
        if len(parsed.text) > self.max_chars:
            return response.json(
                _bot(
                    parsed.sender,
                    f"That message is too long for me ({len(parsed.text)} characters; the limit is "
                    f"{self.max_chars}). Could you send it in shorter parts?",
                )
            )
        collector = CollectingOutputChannel()
        message = UserMessage(parsed.text, collector, parsed.sender, input_channel=self.name(), metadata=None)
        try:
            await asyncio.wait_for(on_new_message(message), self.timeout)
        except asyncio.TimeoutError:
            logger.error("chat message timed out after %.0fs", self.timeout)
            return response.json(collector.messages + _bot(parsed.sender, _SORRY), status=200)
        except Exception as error:  # noqa: BLE001 - any failure gets a clear reply, never a trace
            logger.error("chat message failed: %s", type(error).__name__)
            return response.json(collector.messages + _bot(parsed.sender, _SORRY), status=200)
        if not collector.messages and not parsed.opening:
            # An action failed (e.g. the action server is down): say so, and give the way in.
            logger.warning("chat turn produced no reply")
            return response.json(_bot(parsed.sender, unavailable_text()))
        return response.json(collector.messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health route and the webhook route."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return webhook


def unavailable_text() -> str:
    """An honest reply when part of the service did not answer, with the contact route."""
    values = get_settings().template_vars()
    return (
        "Sorry, I couldn't do that just now because part of this service isn't responding. "
        f"If you need help right now, call {values.get('help_emergency', '')} or "
        f"{values.get('help_crisis_line_name', '')} on {values.get('help_crisis_line_number', '')}. "
        f"You can still ask me about the page, and you can reach {values['therapist']} through "
        f"{values['contact_link']}."
    )


_SORRY = (
    "Sorry, something went wrong on my side and I couldn't finish that reply. Please try again in a moment. "
    "If you need help right now, use the Get help now button."
)
