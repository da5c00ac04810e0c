"""The enquiry store: save (with its outbox row), list, show, mark handled, export, erase, purge.

Every database failure surfaces as :class:`StoreUnavailable`, whose message holds only the
operation and an error class name. Logs carry references, counts and outcomes, never a value
the visitor typed.
"""

from __future__ import annotations

import asyncio
import calendar
import csv
import logging
import os
import secrets
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterator, List, Sequence, TypeVar, Union

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.enquiries.config import EnquiryConfig, get_config
from assistant.enquiries.db import make_engine
from assistant.enquiries.errors import EnquiryError, StoreUnavailable
from assistant.enquiries.mail import message_id_for, remove_eml
from assistant.enquiries.migrate import migrate
from assistant.enquiries.models import (
    OUTBOX_PENDING,
    Enquiry,
    Outbox,
    new_reference,
    normalise_reference,
    utcnow,
)
from assistant.enquiries.records import CreateResult, EnquiryData, EnquiryRecord, ErasureResult, PurgeResult
from assistant.enquiries.tracker import ConversationStore
from assistant.enquiries.validation import check_email

logger = logging.getLogger(__name__)

T = TypeVar("T")
IDEMPOTENCY_KEY_MAX = 128
# ENQUIRY_MAX_PER_ADDRESS_PER_DAY counts the enquiries of this last stretch of time.
ADDRESS_LIMIT_WINDOW = timedelta(hours=24)
CSV_COLUMNS = (
    "reference",
    "created_at",
    "route",
    "name",
    "contact_method",
    "email",
    "phone",
    "who_for",
    "availability",
    "message",
    "consent_text",
    "consent_at",
    "handled_at",
    "notification",
    "notified_at",
)


class TooManyEnquiries(EnquiryError):
    """Already ``limit`` enquiries with this email address or phone number in the last 24 hours.

    Nothing was written. The message holds the limit only, never the address.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(f"enquiry refused: {limit} already saved for this address in 24 hours")
        self.limit = limit


def new_idempotency_key() -> str:
    """A fresh idempotency key: make one when the summary is shown and reuse it for every "send"."""
    return secrets.token_urlsafe(24)


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` moved back by whole calendar months (the day clamped to the month's length)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class EnquiryStore:
    """Enquiries in SQL (SQLite or PostgreSQL), the schema migrated on first use."""

    def __init__(
        self,
        url: str | None = None,
        config: EnquiryConfig | None = None,
        conversations: ConversationStore | None = None,
    ) -> None:
        self.config = config or get_config()
        self.url = url or self.config.database_url
        self._conversations = conversations
        self._engine: Engine | None = None
        self._sessions: sessionmaker | None = None
        self._lock = threading.Lock()

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The engine, created and the schema migrated on first use (thread-safe)."""
        with self._lock:
            if self._engine is None:
                engine = make_engine(
                    self.url, self.config.db_connect_timeout, self.config.db_statement_timeout
                )
                try:
                    migrate(engine)
                except BaseException:
                    engine.dispose()
                    raise
                self._engine = engine
                self._sessions = sessionmaker(bind=engine, future=True, expire_on_commit=False)
            return self._engine

    @property
    def conversations(self) -> ConversationStore:
        """The tracker store the visitor's conversations live in."""
        if self._conversations is None:
            self._conversations = ConversationStore(
                self.config.tracker_db_url, self.config.db_connect_timeout, self.config.db_statement_timeout
            )
        return self._conversations

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session inside one transaction, committed on success."""
        self.engine  # noqa: B018 - make sure the engine and schema exist
        assert self._sessions is not None
        with self._sessions() as session, session.begin():
            yield session

    def guarded(self, operation: str, call: Callable[[], T]) -> T:
        """Run ``call``; a database error becomes :class:`StoreUnavailable` with no values in it."""
        try:
            return call()
        except SQLAlchemyError as exc:
            error = type(exc).__name__
        except OSError as exc:  # e.g. the SQLite directory cannot be created
            error = type(exc).__name__
        logger.warning("enquiry store %s failed: %s", operation, error)
        raise StoreUnavailable(operation, error)  # raised outside ``except``: no chained cause

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
        if self._conversations is not None:
            self._conversations.dispose()

    # -- saving -----------------------------------------------------------------------------

    def create(self, data: EnquiryData, idempotency_key: str, now: datetime | None = None) -> CreateResult:
        """Save an enquiry and its outbox row in one transaction.

        The same ``idempotency_key`` again returns the first reference with ``created=False``
        and writes nothing. Raises :class:`InvalidEnquiry` (names the field),
        :class:`TooManyEnquiries` (``ENQUIRY_MAX_PER_ADDRESS_PER_DAY`` enquiries with the same
        email or phone in the last 24 hours) or :class:`StoreUnavailable`.
        """
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
            raise ValueError("idempotency_key must be 1-128 characters")
        clean = data.validated(self.config.phone_region)
        result = self.guarded("create", lambda: self._create(clean, idempotency_key, now or utcnow()))
        if result is None:
            logger.warning("enquiry store create failed: no free reference after repeated conflicts")
            raise StoreUnavailable("create", "ReferenceConflict")
        if result.created:
            logger.info("enquiry %s saved (route %s)", result.reference, clean.route)
        else:
            logger.info("enquiry %s already saved for this key; nothing written", result.reference)
        return result

    def _create(self, data: EnquiryData, key: str, now: datetime) -> CreateResult | None:
        for _ in range(8):
            existing = self._reference_for_key(key)
            if existing is not None:
                return CreateResult(existing, created=False)
            reference = new_reference()
            try:
                with self.session() as session:
                    self._check_address_limit(session, data, now)
                    enquiry = Enquiry(
                        reference=reference,
                        idempotency_key=key,
                        created_at=now,
                        route=data.route,
                        name=data.name,
                        contact_method=data.contact_method,
                        email=data.email,
                        phone=data.phone,
                        who_for=data.who_for,
                        availability=data.availability,
                        message=data.message,
                        consent_text=data.consent_text,
                        consent_at=data.consent_at,
                        sender_id=data.sender_id,
                    )
                    session.add(enquiry)
                    session.flush()
                    session.add(
                        Outbox(
                            enquiry_id=enquiry.id,
                            status=OUTBOX_PENDING,
                            attempts=0,
                            next_attempt_at=now,
                            message_id=message_id_for(reference, self.config.smtp_from),
                        )
                    )
                return CreateResult(reference, created=True)
            except IntegrityError:
                # The same key saved concurrently, or a reference collision: look again.
                logger.debug("enquiry insert conflicted; retrying")
        return None

    def _check_address_limit(self, session: Session, data: EnquiryData, now: datetime) -> None:
        """Raise :class:`TooManyEnquiries` if this email or phone already has its day's enquiries.

        Counted in the transaction that inserts. Sends racing each other on PostgreSQL can each
        pass the count (one more per concurrent send), which is acceptable for this limit.
        """
        limit = self.config.max_per_address_per_day
        same_address = []
        if data.email:
            same_address.append(func.lower(Enquiry.email) == data.email.lower())
        if data.phone:
            same_address.append(Enquiry.phone == data.phone)
        if limit <= 0 or not same_address:
            return
        recent = session.execute(
            select(func.count())
            .select_from(Enquiry)
            .where(Enquiry.created_at > now - ADDRESS_LIMIT_WINDOW, or_(*same_address))
        ).scalar_one()
        if recent >= limit:
            logger.info("enquiry refused: %d already saved for its address in 24 hours", recent)
            raise TooManyEnquiries(limit)

    def _reference_for_key(self, key: str) -> str | None:
        with self.session() as session:
            return session.execute(
                select(Enquiry.reference).where(Enquiry.idempotency_key == key)
            ).scalar_one_or_none()

    # -- reading ----------------------------------------------------------------------------

    def list(self, include_handled: bool = False, newest_first: bool = False) -> List[EnquiryRecord]:
        """Enquiries, oldest first (newest first for the inbox); only open ones unless ``include_handled``."""

        def run() -> List[EnquiryRecord]:
            with self.session() as session:
                query = _record_query()
                if not include_handled:
                    query = query.where(Enquiry.handled_at.is_(None))
                order = (
                    (Enquiry.created_at.desc(), Enquiry.id.desc())
                    if newest_first
                    else (
                        Enquiry.created_at,
                        Enquiry.id,
                    )
                )
                return [_record(*row) for row in session.execute(query.order_by(*order))]

        return self.guarded("list", run)

    def search(self, text: str) -> List[EnquiryRecord]:
        """Enquiries with this reference (``TN-7K3P``, ``7k3p``) or this email address, newest first.

        An email address is compared case-insensitively and in full; nothing is logged of ``text``.
        """
        text = (text or "").strip()
        if not text:
            return []
        if "@" in text:
            checked = check_email(text)
            condition = func.lower(Enquiry.email) == (checked.value or text).lower()
        else:
            condition = Enquiry.reference == normalise_reference(text)

        def run() -> List[EnquiryRecord]:
            with self.session() as session:
                query = (
                    _record_query().where(condition).order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
                )
                return [_record(*row) for row in session.execute(query)]

        found = self.guarded("search", run)
        logger.info("enquiry search: %d found", len(found))
        return found

    def get(self, reference: str) -> EnquiryRecord | None:
        """One enquiry by reference (``TN-7K3P``, case and dash optional), or None."""
        ref = normalise_reference(reference)

        def run() -> EnquiryRecord | None:
            with self.session() as session:
                row = session.execute(_record_query().where(Enquiry.reference == ref)).first()
                return _record(*row) if row else None

        return self.guarded("get", run)

    def mark_handled(self, reference: str, now: datetime | None = None) -> bool:
        """Mark an enquiry handled; False if there is no such reference."""
        found = self._stamp(reference, "handled_at", "mark handled", now)
        logger.info(
            "enquiry %s marked handled: %s", normalise_reference(reference), "yes" if found else "not found"
        )
        return found

    def mark_read(self, reference: str, now: datetime | None = None) -> bool:
        """Record that the therapist opened an enquiry (the first time only); False if there is none."""
        return self._stamp(reference, "read_at", "mark read", now)

    def _stamp(self, reference: str, column: str, what: str, now: datetime | None) -> bool:
        """Set an enquiry's ``column`` (a time) unless it is set already; False if there is none."""
        ref = normalise_reference(reference)

        def run() -> bool:
            with self.session() as session:
                enquiry = session.execute(
                    select(Enquiry).where(Enquiry.reference == ref)
                ).scalar_one_or_none()
                if enquiry is None:
                    return False
                if getattr(enquiry, column) is None:
                    setattr(enquiry, column, now or utcnow())
                return True

        return self.guarded(what, run)

    def export_csv(self, target: Union[str, Path, IO[str]], include_handled: bool = True) -> int:
        """Write enquiries as CSV to a path (created private, mode 600) or a text stream."""
        records = self.list(include_handled=include_handled)
        if isinstance(target, (str, Path)):
            descriptor = os.open(str(target), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
                _write_csv(stream, records)
        else:
            _write_csv(target, records)
        logger.info("exported %d enquiries", len(records))
        return len(records)

    # -- erasing ----------------------------------------------------------------------------

    def erase(self, reference: str) -> ErasureResult:
        """Remove an enquiry, its outbox rows, its local email and the visitor's conversation."""
        ref = normalise_reference(reference)
        rows = self.guarded("erase", lambda: self._find(Enquiry.reference == ref))
        return self._erase_rows(rows)

    def erase_by_email(self, email: str) -> ErasureResult:
        """Erase every enquiry given with this email address (compared case-insensitively)."""
        checked = check_email(email)
        address = (checked.value or email).strip().lower()
        rows = self.guarded("erase", lambda: self._find(func.lower(Enquiry.email) == address))
        return self._erase_rows(rows)

    def erase_conversation(self, sender_id: str) -> int:
        """Delete one conversation from the tracker store; returns the number of events removed."""
        return self.conversations.erase([sender_id])

    def _find(self, condition: object) -> List[tuple]:
        with self.session() as session:
            return list(
                session.execute(select(Enquiry.id, Enquiry.reference, Enquiry.sender_id).where(condition))
            )

    def _erase_rows(self, rows: Sequence[tuple]) -> ErasureResult:
        if not rows:
            return ErasureResult()
        # Conversation and files first: the enquiry row is what lets an interrupted erase be rerun.
        events = self.conversations.erase(row[2] for row in rows)
        files = 0
        for _, reference, _ in rows:
            try:
                files += remove_eml(self.config.mail_dir, reference)
            except OSError as exc:
                logger.warning("could not remove the local email of %s: %s", reference, type(exc).__name__)
                raise StoreUnavailable("erase mail file", type(exc).__name__) from None
        ids = [row[0] for row in rows]

        def run() -> int:
            with self.session() as session:
                outbox = (
                    session.query(Outbox).filter(Outbox.enquiry_id.in_(ids)).delete(synchronize_session=False)
                )
                session.query(Enquiry).filter(Enquiry.id.in_(ids)).delete(synchronize_session=False)
                return int(outbox)

        outbox_rows = self.guarded("erase", run)
        result = ErasureResult(tuple(row[1] for row in rows), outbox_rows, files, events)
        logger.info(
            "erased %d enquiries (%s), %d outbox rows, %d mail files, %d conversation events",
            result.enquiries,
            ", ".join(result.references),
            outbox_rows,
            files,
            events,
        )
        return result

    def purge(
        self, older_than: datetime | None = None, dry_run: bool = False, now: datetime | None = None
    ) -> PurgeResult:
        """Erase enquiries and conversations older than the retention period (or ``older_than``)."""
        cutoff = older_than or months_before(now or utcnow(), self.config.retention_months)
        rows = self.guarded("purge", lambda: self._find(Enquiry.created_at < cutoff))
        old_senders = set(self.conversations.stale_senders(cutoff))
        if dry_run:
            erased = ErasureResult(
                tuple(row[1] for row in rows),
                conversation_events=self.conversations.count({row[2] for row in rows} | old_senders),
            )
            return PurgeResult(cutoff, True, erased, len(old_senders))
        erased = self._erase_rows(rows)
        events = self.conversations.erase(old_senders)
        erased = erased + ErasureResult(conversation_events=events)
        logger.info("purged %d enquiries and %d old conversations", erased.enquiries, len(old_senders))
        return PurgeResult(cutoff, False, erased, len(old_senders))


def _record_query():  # noqa: ANN202 - a SQLAlchemy Select
    return select(
        Enquiry,
        Outbox.status,
        Outbox.attempts,
        Outbox.sent_at,
        Outbox.last_error,
    ).outerjoin(Outbox, Outbox.enquiry_id == Enquiry.id)


def _record(
    enquiry: Enquiry,
    status: str | None,
    attempts: int | None,
    sent_at: datetime | None,
    last_error: str | None,
) -> EnquiryRecord:
    return EnquiryRecord(
        reference=enquiry.reference,
        created_at=enquiry.created_at,
        route=enquiry.route,
        name=enquiry.name,
        contact_method=enquiry.contact_method,
        email=enquiry.email,
        phone=enquiry.phone,
        who_for=enquiry.who_for,
        availability=enquiry.availability,
        message=enquiry.message,
        consent_text=enquiry.consent_text,
        consent_at=enquiry.consent_at,
        sender_id=enquiry.sender_id,
        handled_at=enquiry.handled_at,
        notification=status or "none",
        notification_attempts=attempts or 0,
        notified_at=sent_at,
        notification_error=last_error,
        read_at=enquiry.read_at,
    )


def _csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _write_csv(stream: IO[str], records: Sequence[EnquiryRecord]) -> None:
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        values = {
            **{column: getattr(record, column, None) for column in CSV_COLUMNS},
            "notification": record.notification,
            "notified_at": record.notified_at,
        }
        row = [_csv_safe(values[column]) for column in CSV_COLUMNS]
        if record.phone:  # E.164 is validated: keep the leading + readable
            row[CSV_COLUMNS.index("phone")] = record.phone
        writer.writerow(row)


@lru_cache(maxsize=1)
def get_store() -> EnquiryStore:
    """The process-wide store for ``DATABASE_URL`` (created on first call, no I/O until used)."""
    return EnquiryStore()


async def create_async(
    data: EnquiryData,
    idempotency_key: str,
    store: EnquiryStore | None = None,
    timeout: float | None = None,
) -> CreateResult:
    """:meth:`EnquiryStore.create` off the event loop, bounded by ``timeout`` (``ENQUIRY_SAVE_TIMEOUT``).

    A timeout raises :class:`StoreUnavailable`. The save may still complete afterwards; a retry
    with the same idempotency key then returns that enquiry instead of writing a second one.
    """
    store = store or get_store()
    limit = timeout if timeout is not None else store.config.save_timeout
    try:
        return await asyncio.wait_for(asyncio.to_thread(store.create, data, idempotency_key), limit)
    except asyncio.TimeoutError:
        pass
    logger.warning("enquiry store create timed out after %.1fs", limit)
    raise StoreUnavailable("create", "TimeoutError")
