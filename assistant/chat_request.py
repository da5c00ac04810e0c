"""What a chat request must look like, and how long each part waits for a reply, in one place
for both chat routes.

Rasa's channel (:mod:`assistant.channels`) and the web front's proxy
(:mod:`assistant.web.app`) both read ``{"sender": ..., "message": ...}`` (or
``{"sender": ..., "start": true}``, the widget opening a conversation), with an
optional ``"message_id"`` (the widget's random id for that message, the same on Retry),
with :func:`parse_chat_request`, so they accept and refuse the same requests; what each
then does with an empty or over-long message is its own business. Both read their
timeouts with :func:`load_timeouts`. This module imports nothing from Rasa or aiohttp (only
:mod:`assistant.settings`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, TypeGuard, Union

from assistant.settings import Config, SettingsError

JSON_MEDIA_TYPE = "application/json"
# A conversation id as the widget makes it (32 random hex digits). Whoever knows a sender id
# can carry on that conversation, so a short, guessable one is refused.
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
SENDER_RULE = "sender must be a random id of 8-64 letters, digits, - or _"
# A message id as the widget makes it (32 random hex digits, the same on Retry): the channel
# answers a second request with the same sender and message id with the first one's reply.
MESSAGE_ID_PATTERN = SENDER_PATTERN
MESSAGE_ID_RULE = "message_id must be a random id of 8-64 letters, digits, - or _"
# The widget's wait for a reply, ``DEFAULT_TIMEOUT_MS`` in web/widget/chat.js.
WIDGET_TIMEOUT_SECONDS = 35.0


@dataclass(frozen=True)
class Timeouts:
    """How long each part waits, in seconds, the innermost first.

    Each is below the next, so the part nearest the work gives up first and answers, and no
    outer part gives up on a turn that is still running (the widget would say "taking too
    long", and Retry would send the message again behind it):

    - ``action_call`` (``ACTION_TIMEOUT_SECONDS``): Rasa's call to the action server (Rasa's
      own default is 300 s; the channel sets it, see :mod:`assistant.channels`); also
      ``proxy_read_timeout`` of the action server's location in deploy/nginx.conf;
    - ``channel_turn`` (``CHAT_TIMEOUT_SECONDS``): one turn in the channel, waiting for the
      conversation's lock included; then the visitor gets a short "sorry, try again";
    - ``web_front`` (``WEB_UPSTREAM_TIMEOUT``): the web front's wait for Rasa (then 504), and
      ``proxy_read_timeout`` of the chat location in deploy/nginx.conf, the same layer;
    - ``widget``: the widget's wait for a reply, ``DEFAULT_TIMEOUT_MS`` in web/widget/chat.js
      (a page may set ``data-timeout``; keep it above ``web_front``). Not read from the
      environment: the browser never sees it. tests/unit/test_timeouts.py checks all of these
      against their sources.

    The defaults of the first three are declared once, in :mod:`assistant.settings`.
    """

    action_call: float
    channel_turn: float
    web_front: float
    widget: float = WIDGET_TIMEOUT_SECONDS


TIMEOUT_VARIABLES = {
    "action_call": "ACTION_TIMEOUT_SECONDS",
    "channel_turn": "CHAT_TIMEOUT_SECONDS",
    "web_front": "WEB_UPSTREAM_TIMEOUT",
}


def load_timeouts(env: Mapping[str, str] | None = None) -> Timeouts:
    """The timeouts from the environment (``env`` for tests); ValueError unless each is
    positive and below the next (action call < channel turn < web front < widget)."""
    config = Config(env)
    seconds = {field: config.number(name, minimum=0.0) for field, name in TIMEOUT_VARIABLES.items()}
    for field, value in seconds.items():
        if value <= 0:
            raise SettingsError(f"{TIMEOUT_VARIABLES[field]} must be a positive number of seconds")
    timeouts = Timeouts(**seconds)
    if not timeouts.action_call < timeouts.channel_turn < timeouts.web_front < timeouts.widget:
        raise SettingsError(
            "timeouts must grow outwards: ACTION_TIMEOUT_SECONDS < CHAT_TIMEOUT_SECONDS < "
            f"WEB_UPSTREAM_TIMEOUT < the widget's {timeouts.widget:g} s, not "
            f"{timeouts.action_call:g} / {timeouts.channel_turn:g} / {timeouts.web_front:g}"
        )
    return timeouts


TIMEOUTS = load_timeouts({})


@dataclass(frozen=True)
class ChatRequest:
    """A well-formed request: a sender and its message, or None for the opening request, and
    the client's id for this message if it sent one."""

    sender: str
    message: str | None
    message_id: str | None = None

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


def is_valid_sender(value: Any) -> TypeGuard[str]:
    """True for a string of 8-64 ``A-Za-z0-9_-`` (the whole string: no trailing newline)."""
    return isinstance(value, str) and SENDER_PATTERN.fullmatch(value) is not None


def is_valid_message_id(value: Any) -> TypeGuard[str]:
    """True for a string of 8-64 ``A-Za-z0-9_-``, as for a sender."""
    return isinstance(value, str) and MESSAGE_ID_PATTERN.fullmatch(value) is not None


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
    message_id = data.get("message_id")
    if message_id is not None and not is_valid_message_id(message_id):
        return Rejected(400, "invalid_message_id", MESSAGE_ID_RULE)
    message = data.get("message")
    if message is None:
        if data.get("start") is True:
            return ChatRequest(sender, None, message_id)
        return Rejected(400, "empty_message", 'send a "message" (or "start": true to open)')
    if not isinstance(message, str):
        return Rejected(400, "invalid_message", "message must be a string")
    return ChatRequest(sender, message, message_id)
