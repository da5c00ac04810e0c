"""Database tables for enquiries and their notification outbox (SQLAlchemy declarative).

The schema itself is created and changed only by the Alembic migrations next to this module;
these classes must match them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

# No 0/O, 1/I/L, U/V: easy to read aloud and type back.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REFERENCE_PREFIX = "TN-"
REFERENCE_LENGTH = 4

OUTBOX_PENDING = "pending"
OUTBOX_SENDING = "sending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"  # given up on: a permanent SMTP error, or ENQUIRY_MAX_ATTEMPTS reached

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING))


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def new_reference() -> str:
    """A short human reference such as ``TN-7K3P`` (random, from an unambiguous alphabet)."""
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text: str) -> str:
    """A reference as typed (``tn 7k3p``, ``7K3P``) in its stored form (``TN-7K3P``)."""
    compact = "".join(char for char in text.upper() if char.isalnum())
    if compact.startswith(REFERENCE_PREFIX[:-1]) and len(compact) > REFERENCE_LENGTH:
        compact = compact[len(REFERENCE_PREFIX) - 1 :]
    return REFERENCE_PREFIX + compact


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC on every backend; read back as timezone-aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Enquiry(Base):
    """One enquiry a visitor sent after giving explicit consent."""

    __tablename__ = "enquiries"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    idempotency_key = Column(String(128), nullable=False, unique=True)
    created_at = Column(UTCDateTime(), nullable=False, index=True)
    route = Column(String(20), nullable=False)
    name = Column(String(120), nullable=False)
    contact_method = Column(String(10), nullable=False)
    email = Column(String(254), nullable=True)
    phone = Column(String(20), nullable=True)
    who_for = Column(String(20), nullable=True)
    availability = Column(Text, nullable=True)
    message = Column(Text, nullable=True)
    consent_text = Column(Text, nullable=False)
    consent_at = Column(UTCDateTime(), nullable=False)
    sender_id = Column(String(255), nullable=True, index=True)
    handled_at = Column(UTCDateTime(), nullable=True)
    read_at = Column(UTCDateTime(), nullable=True)  # first opened in the web inbox

    __table_args__ = (
        CheckConstraint("route IN ('individual', 'couple_partner', 'general')", name="route"),
        CheckConstraint("contact_method IN ('email', 'phone', 'either')", name="contact_method"),
    )


class Outbox(Base):
    """A notification to send for an enquiry; written in the same transaction as the enquiry."""

    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    enquiry_id = Column(Integer, ForeignKey("enquiries.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(String(10), nullable=False, default=OUTBOX_PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    # When pending: when to try next. When sending: when the claim expires (a stale claim).
    next_attempt_at = Column(UTCDateTime(), nullable=False)
    claim_token = Column(String(32), nullable=True)
    last_error = Column(String(100), nullable=True)
    sent_at = Column(UTCDateTime(), nullable=True)
    message_id = Column(String(255), nullable=True)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )


class AdminUser(Base):
    """A therapist's account for the web inbox: an Argon2 hash, an optional TOTP secret, lockout."""

    __tablename__ = "admin_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    totp_secret = Column(String(64), nullable=True)
    totp_last_step = Column(Integer, nullable=True)  # the last code's time step: never accepted twice
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime(), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False)
    password_changed_at = Column(UTCDateTime(), nullable=False)


class AdminSession(Base):
    """A signed-in browser: only the SHA-256 of its cookie's token is kept."""

    __tablename__ = "admin_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("admin_users.id", ondelete="CASCADE"), nullable=False, index=True)
    stage = Column(String(10), nullable=False)  # "totp": password checked, code still due; "ok"
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    last_seen_at = Column(UTCDateTime(), nullable=False)
    totp_pending = Column(String(64), nullable=True)  # a new TOTP secret shown once, not yet confirmed

    __table_args__ = (CheckConstraint("stage IN ('totp', 'ok')", name="stage"),)


class AdminAudit(Base):
    """One admin action: who, what, which reference, when. Never an enquiry's content."""

    __tablename__ = "admin_audit"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), nullable=False, index=True)
    username = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    reference = Column(String(16), nullable=True)
    detail = Column(String(100), nullable=True)
