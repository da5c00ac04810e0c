"""What a chat request must look like, in one place for both chat routes.

Rasa's channel (:mod:`assistant.channels`) and the web front's proxy
(:mod:`assistant.web.app`) both read ``{"sender": ..., "message": ...}`` (or
``{"sender": ..., "start": true}``, the widget opening a conversation) with
:func:`parse_chat_request`, so they accept and refuse the same requests; what each
then does with an empty or over-long message is its own business. This module
imports nothing from Rasa or aiohttp.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Union

JSON_MEDIA_TYPE = "application/json"
# Characters in a message; the widget, the web front and the channel all stop there.
MAX_MESSAGE_CHARS = 1000
# A conversation id as the widget makes it (32 random hex digits). Whoever knows a sender id
# can carry on that conversation, so a short, guessable one is refused.
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
SENDER_RULE = "sender must be a random id of 8-64 letters, digits, - or _"


@dataclass(frozen=True)
class ChatRequest:
    """A well-formed request: a sender and its message, or None for the opening request."""

    sender: str
    message: str | None

    @property
    def opening(self) -> bool:
        """True for ``{"sender": ..., "start": true}``, the widget opening the conversation."""
        return self.message is None


@dataclass(frozen=True)
class Rejected:
    """A request refused before the assistant: an HTTP status, a short code and a sentence."""

    status: int
    error: str
    detail: str


def is_json_media_type(content_type: str | None) -> bool:
    """True when the Content-Type is exactly ``application/json`` (parameters such as
    ``; charset=utf-8`` allowed). ``text/plain`` and form types are what a browser may send
    cross-origin without a CORS preflight, so a parameter or subtype that merely mentions
    json is not enough."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE


def is_valid_sender(value: Any) -> bool:
    """True for a string of 8-64 ``A-Za-z0-9_-`` (the whole string: no trailing newline)."""
    return isinstance(value, str) and SENDER_PATTERN.fullmatch(value) is not None


def parse_chat_request(body: bytes, content_type: str | None) -> Union[ChatRequest, Rejected]:
    """Check a chat request; never raises, whatever the bytes."""
    if not is_json_media_type(content_type):
        return Rejected(415, "unsupported_media_type", "send JSON (Content-Type: application/json)")
    try:
        data = json.loads(body.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Rejected(400, "malformed_json", "the body is not valid JSON")
    if not isinstance(data, dict):
        return Rejected(400, "malformed_request", "the body must be a JSON object")
    sender = data.get("sender")
    if not is_valid_sender(sender):
        return Rejected(400, "invalid_sender", SENDER_RULE)
    message = data.get("message")
    if message is None:
        if data.get("start") is True:
            return ChatRequest(sender, None)
        return Rejected(400, "empty_message", 'send a "message" (or "start": true to open)')
    if not isinstance(message, str):
        return Rejected(400, "invalid_message", "message must be a string")
    return ChatRequest(sender, message)
