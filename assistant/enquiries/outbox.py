"""The notification outbox: claim a due row, then mark it sent, schedule a retry, or mark it failed.

Claims are compare-and-set updates (``UPDATE ... WHERE status = 'pending' AND ...``), so two
workers never both own a row. A claim is a lease: a worker that dies mid-send leaves a
``sending`` row whose lease expires, and another worker takes it over. Finishing a row checks
the claim token, so a worker whose lease was taken over cannot overwrite the new owner's result.

Delivery is therefore at least once, de-duplicated by the claim: a worker that dies after the
server accepted the email but before recording it leaves a row that is sent again (with the
same Message-ID, so the duplicate is recognisable). A ``failed`` row is never claimed again.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import and_, func, select, update

from assistant.enquiries.models import (
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENDING,
    OUTBOX_SENT,
    Enquiry,
    Outbox,
)
from assistant.enquiries.store import EnquiryStore

CANDIDATES = 10


@dataclass(frozen=True)
class Claim:
    """A row this worker owns until ``lease_until``."""

    outbox_id: int
    token: str
    reference: str
    route: str
    created_at: datetime
    attempt: int
    lease_until: datetime


def backoff_seconds(attempt: int, base: float, cap: float, jitter: float = 0.1) -> float:
    """Exponential backoff: ``base * 2**(attempt-1)``, at most ``cap``, plus up to 10% jitter."""
    delay = min(cap, base * (2 ** max(0, min(attempt - 1, 30))))
    return delay * (1 + random.uniform(0, jitter))  # noqa: S311 - jitter, not security


def _due(now: datetime):  # noqa: ANN202 - a SQLAlchemy expression
    return and_(Outbox.status.in_((OUTBOX_PENDING, OUTBOX_SENDING)), Outbox.next_attempt_at <= now)


def claim_next(
    store: EnquiryStore, now: datetime, lease: timedelta, skip: Collection[int] = ()
) -> Claim | None:
    """Claim the oldest due row (pending, or sending with an expired lease) not in ``skip``."""

    def run() -> Claim | None:
        with store.session() as session:
            candidates = session.execute(
                select(Outbox.id, Outbox.status, Outbox.next_attempt_at)
                .where(_due(now), Outbox.id.not_in(list(skip)))
                .order_by(Outbox.next_attempt_at, Outbox.id)
                .limit(CANDIDATES)
            ).all()
        for outbox_id, status, next_attempt_at in candidates:
            token = secrets.token_hex(16)
            with store.session() as session:
                claimed = session.execute(
                    update(Outbox)
                    .where(
                        Outbox.id == outbox_id,
                        Outbox.status == status,
                        Outbox.next_attempt_at == next_attempt_at,
                        _due(now),
                    )
                    .values(
                        status=OUTBOX_SENDING,
                        claim_token=token,
                        next_attempt_at=now + lease,
                        attempts=Outbox.attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                ).rowcount
                if claimed != 1:
                    continue  # another worker took it first
                row = session.execute(
                    select(Enquiry.reference, Enquiry.route, Enquiry.created_at, Outbox.attempts)
                    .join(Outbox, Outbox.enquiry_id == Enquiry.id)
                    .where(Outbox.id == outbox_id)
                ).one()
            return Claim(outbox_id, token, row[0], row[1], row[2], int(row[3]), now + lease)
        return None

    return store.guarded("claim notification", run)


def _update_claimed(store: EnquiryStore, claim: Claim, operation: str, **values: object) -> bool:
    """Update the claimed row, only while this worker still holds the claim; False if it was lost."""

    def run() -> bool:
        with store.session() as session:
            result = session.execute(
                update(Outbox)
                .where(Outbox.id == claim.outbox_id, Outbox.claim_token == claim.token)
                .values(claim_token=None, **values)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    return store.guarded(operation, run)


def mark_sent(store: EnquiryStore, claim: Claim, now: datetime, message_id: str) -> bool:
    """Record a delivery; False if the claim had been lost (the row was taken over or erased)."""
    return _update_claimed(
        store,
        claim,
        "mark notification sent",
        status=OUTBOX_SENT,
        sent_at=now,
        message_id=message_id,
        last_error=None,
    )


def mark_retry(store: EnquiryStore, claim: Claim, retry_at: datetime, error: str) -> bool:
    """Give the row back as pending, to be retried at ``retry_at``; ``error`` names the error class."""
    return _update_claimed(
        store,
        claim,
        "reschedule notification",
        status=OUTBOX_PENDING,
        next_attempt_at=retry_at,
        last_error=error[:100],
    )


def mark_failed(store: EnquiryStore, claim: Claim, now: datetime, error: str) -> bool:
    """Give up on the row: ``failed``, never claimed again, shown by ``admin list``."""
    return _update_claimed(
        store,
        claim,
        "mark notification failed",
        status=OUTBOX_FAILED,
        next_attempt_at=now,
        last_error=error[:100],
    )


def pending_count(store: EnquiryStore) -> int:
    """How many notifications are still to be sent (pending or being sent; not sent, not failed)."""

    def run() -> int:
        with store.session() as session:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(Outbox)
                    .where(Outbox.status.in_((OUTBOX_PENDING, OUTBOX_SENDING)))
                ).scalar_one()
            )

    return store.guarded("count notifications", run)


__all__ = [
    "Claim",
    "backoff_seconds",
    "claim_next",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "pending_count",
]
