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
- a request may carry the client's ``message_id`` (the widget makes a random one per
  message and sends the same one on Retry): a message already seen from that sender
  is not processed again but answered with the first reply (:class:`RecentMessages`),
  so a Retry after a lost reply never applies a form answer or "send" twice;
- a turn has ``CHAT_TIMEOUT_SECONDS`` (25 s), and each call to the action server
  ``ACTION_TIMEOUT_SECONDS`` (20 s), below the web front's and nginx's 30 s and the
  widget's 35 s (:class:`assistant.chat_request.Timeouts`);
- "delete my chat" is confirmed only once the conversation is gone: when the reply
  asks the widget to forget the conversation, the channel deletes it from the
  tracker store again (idempotent; the store's own delete runs while saving, where
  Rasa swallows errors) and, if that fails, answers honestly that nothing was
  deleted, without the signal, so the widget keeps its copy (:meth:`RestChannel.forget`);
- client ``metadata``, ``input_channel`` and streaming are ignored; errors are
  logged by class name only (Rasa's own REST route logs the message text).

The request body size is capped by Sanic (``SANIC_REQUEST_MAX_SIZE``, set by
scripts/serve.sh) before any of this runs.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Tuple, Union

import rasa.core.actions.action
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.chat_request import Rejected, load_timeouts, parse_chat_request
from assistant.rate_limit import SlidingWindowLimiter, client_address, trusted_proxy_hops
from assistant.settings import Config, get_settings

logger = logging.getLogger(__name__)

_LEADING_SLASHES = re.compile(r"^[\s/]+")
OPENING_COMMAND = "/greet"

Reply = List[Dict[str, Any]]
MessageKey = Tuple[str, str]  # (sender, message_id)


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
    """A valid request: who sent it, what to pass to the assistant, and the client's message id."""

    sender: str
    text: str
    opening: bool = False
    message_id: str | None = None


def parse_request(body: bytes, content_type: str | None) -> Union[Incoming, Rejected]:
    """Check a webhook request body (:func:`parse_chat_request`) and clean its text; never raises."""
    parsed = parse_chat_request(body, content_type)
    if isinstance(parsed, Rejected):
        return parsed
    if parsed.message is None:
        return Incoming(parsed.sender, OPENING_COMMAND, opening=True, message_id=parsed.message_id)
    return Incoming(
        parsed.sender, neutralise_commands(clean_text(parsed.message)), message_id=parsed.message_id
    )


def limit_action_calls(seconds: float) -> None:
    """Bound Rasa's calls to the action server to ``seconds``, below a channel turn.

    Rasa 3.6 has no setting for it: ``RemoteAction.run`` passes its module's
    ``DEFAULT_REQUEST_TIMEOUT`` (300 s, from ``rasa.core.constants``) as the timeout of every
    call, reading the name at each call, so it is set there, once, when Rasa loads this
    channel. Rasa's processor treats an action call that times out as a failed one (its events
    are dropped and the turn goes on); a turn left with no reply gets :func:`unavailable_text`.
    """
    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = seconds


class RecentMessages:
    """The (sender, message_id) pairs this process has seen lately, with the first reply to each
    while it is fresh, so a message sent again (the widget's Retry after a lost reply) is
    answered with that reply instead of being processed a second time.

    In memory only, never logged and never written anywhere: pairs are forgotten after
    ``remember_seconds``, replies (which can hold what the visitor typed, such as an enquiry
    summary) after ``reply_seconds``, and at most ``max_entries`` are kept, the oldest dropped
    first. A duplicate that arrives while the first is still being processed waits for it and
    gets its reply. A turn that failed or timed out is forgotten at once (its waiting
    duplicates get its reply), so a later Retry is processed.

    Several Rasa replicas each have their own memory. The Redis lock store serialises one
    conversation's messages across replicas, so a duplicate that reaches another replica while
    the first still runs waits for the lock and never runs beside it; but it is recognised only
    by the replica that handled the first. On any other it is processed once more, after the
    first. Routing a conversation to one replica (nginx ``hash`` on a header carrying the
    sender) or keeping these pairs in Redis would close that gap.
    """

    def __init__(
        self,
        remember_seconds: float = 300.0,
        reply_seconds: float = 120.0,
        max_entries: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.remember_seconds = remember_seconds
        self.reply_seconds = reply_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._running: Dict[MessageKey, asyncio.Future] = {}
        # Finished turns, oldest first: when each finished and its reply (None once dropped).
        self._done: OrderedDict[MessageKey, Tuple[float, Reply | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._running) + len(self._done)

    def begin(self, key: MessageKey) -> Awaitable[Reply | None] | None:
        """None for a message not seen lately: the caller processes it and then calls
        :meth:`finish`. Otherwise what to await for the first reply (None: it was dropped)."""
        self._prune()
        loop = asyncio.get_running_loop()
        running = self._running.get(key)
        if running is not None:
            return asyncio.shield(running)
        if key in self._done:
            seen: asyncio.Future = loop.create_future()
            seen.set_result(self._done[key][1])
            return seen
        self._running[key] = loop.create_future()
        return None

    def finish(self, key: MessageKey, reply: Reply, processed: bool = True) -> None:
        """Record the reply to a message from :meth:`begin`; ``processed`` False (the turn failed
        or timed out) forgets the message, so that it can be sent again."""
        running = self._running.pop(key, None)
        if running is not None and not running.done():
            running.set_result(reply)
        if not processed:
            return
        self._done[key] = (self._clock(), reply)
        self._done.move_to_end(key)
        while len(self._done) > self.max_entries:
            self._done.popitem(last=False)

    def _prune(self) -> None:
        now = self._clock()
        forget, drop_reply = [], []
        for key, (finished, reply) in self._done.items():
            age = now - finished
            if age <= self.reply_seconds:
                break  # the rest are younger
            if age > self.remember_seconds:
                forget.append(key)
            elif reply is not None:
                drop_reply.append(key)
        for key in forget:
            del self._done[key]
        for key in drop_reply:
            self._done[key] = (self._done[key][0], None)


def _bot(sender: str, text: str) -> List[Dict[str, Any]]:
    return [{"recipient_id": sender, "text": text}]


class RestChannel(RestInput):
    """Rasa's REST channel with validation, limits, command syntax disabled and quiet logs."""

    def __init__(self) -> None:
        super().__init__()
        config = Config()
        self.max_chars = config.integer("MAX_MESSAGE_CHARS", minimum=1)
        timeouts = load_timeouts()  # ValueError when they are not in order
        self.timeout = timeouts.channel_turn
        limit_action_calls(timeouts.action_call)
        self.recent = RecentMessages()
        # Messages per conversation, and per address, per minute (0: no limit).
        self.per_sender = SlidingWindowLimiter(config.integer("RATE_LIMIT_PER_SENDER", minimum=0))
        self.per_address = SlidingWindowLimiter(config.integer("RATE_LIMIT_PER_ADDRESS", minimum=0))
        self.proxy_hops = trusted_proxy_hops()

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> RestChannel:
        return cls()

    def _extract_message(self, req: Request) -> str | None:
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
        key = (parsed.sender, parsed.message_id) if parsed.message_id else None
        earlier = self.recent.begin(key) if key else None
        if earlier is not None:
            return await self._answer_again(parsed.sender, earlier)
        reply, processed = _bot(parsed.sender, _SORRY), False
        try:
            reply, processed = await self._turn(parsed, on_new_message)
            if processed and asks_to_forget(reply):
                reply = self.forget(getattr(request, "app", None), parsed.sender, reply)
        finally:  # also when the request is cancelled: never leave the message marked as running
            if key:
                self.recent.finish(key, reply, processed)
        return response.json(reply)

    async def _turn(
        self, parsed: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Tuple[Reply, bool]:
        """One turn of the assistant: its reply, and whether the assistant processed the message
        (False when the turn failed or timed out)."""
        collector = CollectingOutputChannel()
        message = UserMessage(
            parsed.text,
            collector,
            parsed.sender,
            input_channel=self.name(),
            metadata=None,
            message_id=parsed.message_id,
        )
        try:
            await asyncio.wait_for(on_new_message(message), self.timeout)
        except asyncio.TimeoutError:
            logger.error("chat message timed out after %.0fs", self.timeout)
            return collector.messages + _bot(parsed.sender, _SORRY), False
        except Exception as error:  # noqa: BLE001 - any failure gets a clear reply, never a trace
            logger.error("chat message failed: %s", type(error).__name__)
            return collector.messages + _bot(parsed.sender, _SORRY), False
        if not collector.messages and not parsed.opening:
            # An action failed (e.g. the action server is down): say so, and give the way in.
            logger.warning("chat turn produced no reply")
            return _bot(parsed.sender, unavailable_text()), True
        return collector.messages, True

    def forget(self, app: Any, sender: str, reply: Reply) -> Reply:
        """Make sure the conversation is deleted before "it's deleted" reaches the visitor.

        Deletes it through the running assistant's tracker store (a no-op when the store
        already deleted it while saving). A store that cannot delete conversations (Rasa's
        in-memory one, in tests) keeps nothing beyond the process, so the reply stands.
        """
        store = _tracker_store(app)
        delete = getattr(store, "delete_conversation", None)
        if delete is None:
            return reply
        try:
            delete(sender)
        except Exception as error:  # noqa: BLE001 - any failure means "not deleted", said honestly
            logger.error("conversation deletion failed: %s", type(error).__name__)
            return _bot(sender, not_deleted_text())
        return reply

    async def _answer_again(self, sender: str, earlier: Awaitable[Reply | None]) -> HTTPResponse:
        """A message already seen: the first reply (waiting for it if it is still being made)."""
        logger.info("chat message received again; not processed twice")
        try:
            reply = await asyncio.wait_for(earlier, self.timeout)
        except asyncio.TimeoutError:
            return response.json(_bot(sender, _SORRY))
        return response.json(reply if reply is not None else _bot(sender, _ALREADY_ANSWERED))

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


def asks_to_forget(reply: Reply) -> bool:
    """Whether a reply tells the widget the conversation was deleted ("delete my chat")."""
    return any(
        isinstance(message.get("custom"), dict) and message["custom"].get("forget_conversation") is True
        for message in reply
    )


def _tracker_store(app: Any) -> Any:
    """The running assistant's own tracker store (inside Rasa's fail-safe wrapper), or None."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    return getattr(store, "_tracker_store", store)


def not_deleted_text() -> str:
    """An honest reply when "delete my chat" could not delete the conversation."""
    return (
        "Sorry, I couldn't delete this conversation just now: the server's storage didn't respond, "
        'so it is still stored and nothing has been cleared. Please say "delete my chat" again in a '
        "few minutes."
    )


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
_ALREADY_ANSWERED = (
    "I've already answered that message, a few minutes ago. "
    "If my answer isn't showing, please type your message again."
)
