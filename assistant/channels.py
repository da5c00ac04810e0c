"""The REST channel the website talks to, served at /webhooks/rest/webhook.

Rasa treats text that starts with ``/`` as a command (``/intent{"slot": ...}``)
and skips NLU. Visitors must not be able to trigger intents or set slots that
way, so leading slashes are removed before the message reaches Rasa; buttons
carry plain-text payloads that go through NLU like typed text.

A widget opens the conversation with ``{"sender": ..., "start": true}`` (no
message): the channel turns that, and only that, into the greeting intent, so
the assistant speaks first without the visitor typing.
"""

from __future__ import annotations

import re

from rasa.core.channels.rest import RestInput
from sanic.request import Request

_LEADING_SLASHES = re.compile(r"^[\s/]+")
OPENING_COMMAND = "/greet"


def neutralise_commands(text: str) -> str:
    """Strip the leading slashes (and the whitespace around them) that would make text a command."""
    if text.lstrip().startswith("/"):
        return _LEADING_SLASHES.sub("", text)
    return text


class RestChannel(RestInput):
    """Rasa's REST channel with command syntax disabled for visitors."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> str:
        body = req.json if isinstance(req.json, dict) else {}
        if body.get("start") is True and not body.get("message"):
            return OPENING_COMMAND
        text = super()._extract_message(req)
        return neutralise_commands(text) if isinstance(text, str) else text
