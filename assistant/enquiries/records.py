"""Plain data passed in and out of the enquiry store (no database objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Tuple

from assistant.enquiries import validation as v
from assistant.enquiries.errors import InvalidEnquiry
from assistant.enquiries.models import utcnow


@dataclass(frozen=True)
class EnquiryData:
    """What the chat collected, as the visitor confirmed it. Route follows from ``who_for``."""

    name: str
    contact_method: str
    consent_text: str
    email: str | None = None
    phone: str | None = None
    who_for: str | None = None
    availability: str | None = None
    message: str | None = None
    consent_at: datetime = field(default_factory=utcnow)
    sender_id: str | None = None

    @property
    def route(self) -> str:
        """``individual``, ``couple_partner`` or ``general``."""
        return v.route_for(self.who_for)

    def validated(self, phone_region: str = "GB") -> EnquiryData:
        """A normalised copy, or :class:`InvalidEnquiry` naming the first bad field."""
        name = _require("name", v.check_name(self.name))
        method = (self.contact_method or "").strip().lower()
        if method not in v.CONTACT_METHODS:
            raise InvalidEnquiry("contact_method", v.Reason.UNKNOWN.value)
        email = _require("email", v.check_email(self.email)) if self.email else None
        phone = _require("phone", v.check_phone(self.phone, phone_region)) if self.phone else None
        if method == "email" and not email:
            raise InvalidEnquiry("email", v.Reason.EMPTY.value)
        if method == "phone" and not phone:
            raise InvalidEnquiry("phone", v.Reason.EMPTY.value)
        if method == "either" and not (email or phone):
            raise InvalidEnquiry("email", v.Reason.EMPTY.value)
        if self.who_for is not None and self.who_for not in v.WHO_FOR:
            raise InvalidEnquiry("who_for", v.Reason.UNKNOWN.value)
        consent = (self.consent_text or "").strip()
        if not consent:
            raise InvalidEnquiry("consent_text", v.Reason.EMPTY.value)
        if self.consent_at is None or self.consent_at.tzinfo is None:
            raise InvalidEnquiry("consent_at", v.Reason.INVALID.value)
        if self.sender_id is not None and len(self.sender_id) > 255:
            raise InvalidEnquiry("sender_id", v.Reason.TOO_LONG.value)
        return replace(
            self,
            name=name,
            contact_method=method,
            email=email,
            phone=phone,
            availability=_optional("availability", v.check_availability(self.availability)),
            message=_optional("message", v.check_message(self.message)),
            consent_text=consent,
        )


def _require(name: str, checked: v.Checked) -> str:
    if not checked.ok or checked.value is None:
        raise InvalidEnquiry(name, (checked.error or v.Reason.EMPTY).value)
    return checked.value


def _optional(name: str, checked: v.Checked) -> str | None:
    if not checked.ok:
        raise InvalidEnquiry(name, (checked.error or v.Reason.INVALID).value)
    return checked.value


@dataclass(frozen=True)
class CreateResult:
    """The outcome of saving an enquiry: its reference, and False if it had been saved before."""

    reference: str
    created: bool


@dataclass(frozen=True)
class EnquiryRecord:
    """A stored enquiry, with the state of its notification."""

    reference: str
    created_at: datetime
    route: str
    name: str
    contact_method: str
    email: str | None
    phone: str | None
    who_for: str | None
    availability: str | None
    message: str | None
    consent_text: str
    consent_at: datetime
    sender_id: str | None
    handled_at: datetime | None
    notification: str
    notification_attempts: int
    notified_at: datetime | None
    notification_error: str | None = None  # class name and SMTP code of the last failure
    read_at: datetime | None = None  # first opened in the web inbox

    @property
    def status(self) -> str:
        """``new``, ``read`` or ``handled`` (the inbox's three states)."""
        if self.handled_at is not None:
            return "handled"
        return "read" if self.read_at is not None else "new"

    def reply_overdue(self, working_days: int, now: datetime) -> bool:
        """Still open after the reply time the visitor was promised (``working_days``)."""
        return self.is_open and now >= reply_due(self.created_at, working_days)

    @property
    def delivery(self) -> str:
        """The notification as the therapist sees it: ``sent``, ``pending`` or ``failed``."""
        return {"sent": "sent", "failed": "failed", "sending": "pending"}.get(
            self.notification, self.notification
        )

    @property
    def is_open(self) -> bool:
        """Not yet marked handled."""
        return self.handled_at is None


def reply_due(received: datetime, working_days: int) -> datetime:
    """When a reply promised within ``working_days`` working days (Monday to Friday) falls due.

    An enquiry received at the weekend counts from the Monday; the reply is due by the same
    time of day that many working days later.
    """
    due = received
    while due.weekday() >= 5:
        due = (due + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    remaining = working_days
    while remaining > 0:
        due += timedelta(days=1)
        if due.weekday() < 5:
            remaining -= 1
    return due


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure removed."""

    references: Tuple[str, ...] = ()
    outbox_rows: int = 0
    mail_files: int = 0
    conversation_events: int = 0

    @property
    def enquiries(self) -> int:
        """How many enquiries were removed."""
        return len(self.references)

    def __add__(self, other: ErasureResult) -> ErasureResult:
        return ErasureResult(
            self.references + other.references,
            self.outbox_rows + other.outbox_rows,
            self.mail_files + other.mail_files,
            self.conversation_events + other.conversation_events,
        )


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed (or, on a dry run, would remove)."""

    cutoff: datetime
    dry_run: bool
    erased: ErasureResult
    old_conversations: int
