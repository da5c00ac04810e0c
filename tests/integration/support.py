"""Helpers for the enquiry integration tests: a tracker-shaped SQLite file, an SMTP server, data."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Callable, List

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from assistant.enquiries.models import Outbox, utcnow
from assistant.enquiries.records import EnquiryData
from assistant.enquiries.store import EnquiryStore


class TrackerDB:
    """A SQLite database shaped like Rasa's SQLTrackerStore (table ``events``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as connection:
            connection.execute(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
            connection.execute("CREATE INDEX ix_events_sender ON events (sender_id)")

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def add(self, sender_id: str, text: str = "hello", when: datetime | None = None, count: int = 2) -> None:
        stamp = (when or datetime.now(timezone.utc)).timestamp()
        with sqlite3.connect(self.path) as connection:
            for index in range(count):
                connection.execute(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                    (sender_id, stamp + index, json.dumps({"event": "user", "text": text})),
                )

    def count(self, sender_id: str | None = None) -> int:
        with sqlite3.connect(self.path) as connection:
            if sender_id is None:
                return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            return connection.execute(
                "SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender_id,)
            ).fetchone()[0]


def enquiry(**changes: object) -> EnquiryData:
    """A valid enquiry; override any field."""
    values: dict = dict(
        name="Sam Example",
        contact_method="email",
        email="sam@example.com",
        who_for="me",
        availability="weekday evenings",
        message="I would like to talk about my online habits.",
        consent_text="I agree that my details are kept for Tim Norton for 12 months.",
        sender_id="conversation-" + uuid.uuid4().hex[:8],
    )
    values.update(changes)
    return EnquiryData(**values)  # type: ignore[arg-type]


@dataclass
class Inbox:
    """Everything an SMTP server on loopback received; ``rcpt_reply`` refuses every recipient."""

    messages: List[bytes] = field(default_factory=list)
    rcpt_reply: str | None = None

    async def handle_RCPT(  # noqa: N802
        self, server: object, session: object, envelope: object, address: str, rcpt_options: list
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append(bytes(envelope.original_content or envelope.content))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"

    def parsed(self) -> List[Message]:
        return [message_from_bytes(raw) for raw in self.messages]

    def subjects(self) -> List[str]:
        return [str(message["Subject"]) for message in self.parsed()]


def _refuse_login(*_args: object) -> AuthResult:
    return AuthResult(success=False, handled=False)


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on the same port.

    ``refuse_login`` offers AUTH (without TLS, on loopback) and answers every login with 535;
    ``rcpt_reply`` answers every recipient with that reply (e.g. ``550 no such user``).
    """

    def __init__(
        self,
        port: int,
        hostname: str = "127.0.0.1",
        refuse_login: bool = False,
        rcpt_reply: str | None = None,
    ) -> None:
        self.port = port
        self.hostname = hostname
        self.inbox = Inbox(rcpt_reply=rcpt_reply)
        self.refuse_login = refuse_login
        self._controller: Controller | None = None

    def start(self) -> None:
        options: dict = {}
        if self.refuse_login:
            options = {"auth_require_tls": False, "authenticator": _refuse_login}
        self._controller = Controller(
            self.inbox, hostname=self.hostname, port=self.port, ready_timeout=10, **options
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def run_async(coroutine: object) -> object:
    """Run a coroutine to completion in a fresh event loop."""
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def smtp_env(server: SMTPServer, **extra: str) -> dict:
    """Settings that send notifications to the test SMTP server (no STARTTLS)."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port), "SMTP_STARTTLS": "0", **extra}


def outbox_row(store: EnquiryStore) -> Outbox:
    """The one outbox row of a store holding one enquiry."""
    with store.session() as session:
        return session.execute(select(Outbox)).scalar_one()


def later(**delta: float):  # type: ignore[no-untyped-def]
    """A clock that says it is ``delta`` from now."""
    moment = utcnow() + timedelta(**delta)
    return lambda: moment
