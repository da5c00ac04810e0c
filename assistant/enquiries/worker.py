"""The delivery worker: sends each enquiry's notification, retrying what can succeed later.

    python -m assistant.enquiries.worker          # poll every ENQUIRY_WORKER_POLL_SECONDS
    python -m assistant.enquiries.worker --once   # deliver what is due, then exit

Delivery is at least once, de-duplicated by claim (``outbox.py``): a worker that dies between
the server accepting an email and recording it sends it again, with the same Message-ID.
A temporary failure is retried with backoff, at most ENQUIRY_MAX_ATTEMPTS times; a permanent
one (a refused login, no STARTTLS, a 5xx reply) fails at once. A notification given up on is
marked ``failed``, logged at ERROR and shown by ``make admin ARGS="list"``.

SIGTERM or SIGINT stops it after the notification in hand. Logs carry only references, routes,
attempt counts, error class names and SMTP reply codes. ``--once`` exits 0 when everything due
was delivered, 1 when some notifications are left to retry or failed, 3 when the database is
unavailable.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Set

from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.config import EnquiryConfig
from assistant.enquiries.errors import StoreUnavailable
from assistant.enquiries.mail import build_notification, deliver, describe_error, is_permanent
from assistant.enquiries.models import utcnow
from assistant.enquiries.outbox import Claim, backoff_seconds, claim_next, mark_failed, mark_retry, mark_sent
from assistant.enquiries.store import EnquiryStore, months_before
from assistant.private_slots import PRIVATE_SLOTS

logger = logging.getLogger(__name__)


@dataclass
class PassResult:
    """What one pass over the outbox did.

    ``failed`` counts every failed attempt; ``gave_up`` those among them marked ``failed`` for good.
    """

    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def deliver_claim(store: EnquiryStore, claim: Claim, config: EnquiryConfig, now: datetime) -> bool | None:
    """Send one claimed notification and record the outcome.

    True if it was delivered, False if it will be retried, None if it was given up on.
    """
    try:
        message = build_notification(claim.reference, claim.route, claim.created_at, config)
        how = deliver(message, claim.reference, config)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded; only class and code are logged
        error = describe_error(exc)
        permanent = is_permanent(exc)
        if permanent or claim.attempt >= config.max_attempts:
            if not mark_failed(store, claim, now, error):
                logger.warning("notification for %s failed but its claim had lapsed", claim.reference)
                return False
            logger.error(
                "notification for %s failed for good after %s (%s, %s); the enquiry is kept: "
                'see make admin ARGS="list"',
                claim.reference,
                _attempts(claim.attempt),
                error,
                "a permanent error, check the SMTP settings" if permanent else "attempts exhausted",
            )
            return None
        delay = backoff_seconds(claim.attempt, config.retry_base_seconds, config.retry_max_seconds)
        mark_retry(store, claim, now + timedelta(seconds=delay), error)
        logger.warning(
            "notification for %s failed (attempt %d of %d, %s); retry in %.0fs",
            claim.reference,
            claim.attempt,
            config.max_attempts,
            error,
            delay,
        )
        return False
    if mark_sent(store, claim, now, str(message["Message-ID"])):
        logger.info("notification for %s delivered by %s (attempt %d)", claim.reference, how, claim.attempt)
    else:
        logger.warning("notification for %s delivered but its claim had lapsed", claim.reference)
    return True


def run_once(
    store: EnquiryStore,
    config: EnquiryConfig | None = None,
    now: Callable[[], datetime] | None = None,
    stop: threading.Event | None = None,
) -> PassResult:
    """Deliver every notification that is due now. Raises :class:`StoreUnavailable`."""
    config = config or store.config
    clock = now or utcnow
    lease = timedelta(seconds=config.sending_lease_seconds)
    result = PassResult()
    tried: Set[int] = set()  # each row at most once per pass, however short its backoff
    while stop is None or not stop.is_set():
        moment = clock()
        claim = claim_next(store, moment, lease, skip=tried)
        if claim is None:
            break
        tried.add(claim.outbox_id)
        outcome = deliver_claim(store, claim, config, moment)
        if outcome:
            result.sent += 1
        else:
            result.failed += 1
            result.gave_up += outcome is None
    return result


def _log_pass(result: PassResult) -> None:
    logger.info(
        "delivery pass: %d sent, %d to retry, %d failed for good",
        result.sent,
        result.failed - result.gave_up,
        result.gave_up,
    )


SWEEP_INTERVAL = timedelta(minutes=5)
ABANDONED_AFTER = timedelta(minutes=65)  # Rasa's sessions end after 60 idle minutes
# The retention purge: soon after the worker starts (not at once: under make run the worker
# starts before Rasa has created the tracker store), then once a day; after a failure, hourly.
PURGE_FIRST_AFTER = timedelta(minutes=5)
PURGE_INTERVAL = timedelta(days=1)
PURGE_RETRY = timedelta(hours=1)


@dataclass
class Schedule:
    """A job due at ``next_due``, then every ``interval`` (``retry`` after a failure)."""

    next_due: datetime
    interval: timedelta
    retry: timedelta

    def due(self, now: datetime) -> bool:
        """True when the job should run; a clock set back never postpones it beyond one interval."""
        if self.next_due - now > self.interval:
            self.next_due = now
        return now >= self.next_due

    def ran(self, now: datetime, ok: bool = True) -> None:
        """Record a run at ``now``: due again after the interval, or after ``retry`` if it failed."""
        self.next_due = now + (self.interval if ok else self.retry)


def sweep_abandoned_forms(store: EnquiryStore, now: datetime | None = None) -> int:
    """Empty what was typed into forms left open in conversations idle for over an hour."""
    now = now or datetime.now(timezone.utc)
    try:
        return store.conversations.clear_abandoned_form_data(PRIVATE_SLOTS, now - ABANDONED_AFTER)
    except StoreUnavailable as exc:
        logger.warning("abandoned-form sweep skipped: %s", exc.error)
        return 0


def purge_expired(store: EnquiryStore, now: datetime | None = None) -> bool:
    """Erase enquiries and conversations older than ENQUIRY_RETENTION_MONTHS; False if it failed.

    A failure is logged at ERROR: the retention the visitor was promised is not being kept.
    """
    try:
        result = store.purge(now=now or utcnow())
    except StoreUnavailable as exc:
        error = f"{exc.error} during {exc.operation}"
    except Exception as exc:  # noqa: BLE001 - keep the worker delivering; only the class is logged
        error = type(exc).__name__
    else:
        logger.info(
            "retention purge: %d enquiries and %d old conversations erased (older than %s)",
            result.erased.enquiries,
            result.old_conversations,
            f"{result.cutoff:%Y-%m-%d}",
        )
        return True
    logger.error(
        "retention purge failed (%s); retrying in %.0f minutes", error, PURGE_RETRY.total_seconds() / 60
    )
    return False


@dataclass(frozen=True)
class SessionLimits:
    """How long an inbox session may sit idle, and live at most (the web front's settings)."""

    idle: timedelta
    lifetime: timedelta


def inbox_session_limits() -> SessionLimits:
    """``ADMIN_IDLE_SECONDS`` and ``ADMIN_SESSION_HOURS`` as the web front reads them (its own
    settings module, so the two never disagree); its defaults if the web settings are unusable
    here (the worker does not serve the web pages)."""
    from assistant.web.config import WebConfig, WebConfigError, load_web_config

    try:
        config = load_web_config()
    except WebConfigError as exc:
        logger.warning("inbox session limits: web settings unusable (%s); using the defaults", exc)
        config = WebConfig()
    return SessionLimits(
        timedelta(seconds=config.admin_idle_seconds), timedelta(hours=config.admin_session_hours)
    )


def purge_inbox(store: EnquiryStore, now: datetime, limits: SessionLimits | None = None) -> bool:
    """The inbox's share of the daily purge: delete sessions past their idle or absolute limit and
    activity-log rows older than the retention period. False if it failed (logged at ERROR)."""
    limits = limits or inbox_session_limits()
    accounts = AdminAccounts(store)
    try:
        ended = accounts.end_expired_sessions(limits.idle, limits.lifetime, now)
        removed = accounts.purge_audit(months_before(now, store.config.retention_months))
    except StoreUnavailable as exc:
        logger.error("inbox purge failed (%s during %s)", exc.error, exc.operation)
        return False
    logger.info("inbox purge: %d expired sessions ended, %d old activity-log rows erased", ended, removed)
    return True


def run_forever(
    store: EnquiryStore,
    stop: threading.Event,
    config: EnquiryConfig | None = None,
    clock: Callable[[], datetime] | None = None,
    wait: Callable[[float], object] | None = None,
) -> None:
    """Poll until ``stop`` is set; a database outage is logged and waited out.

    Beside delivery it sweeps abandoned forms every five minutes and runs the retention purge
    once a day (with the inbox's expired sessions and old activity-log rows). ``clock`` (UTC now) and ``wait`` (sleep, returning early when stopped) are for
    tests; they default to the wall clock and ``stop.wait``.
    """
    config = config or store.config
    clock = clock or utcnow
    wait = wait or stop.wait
    logger.info("enquiry delivery worker started (poll every %.1fs)", config.worker_poll_seconds)
    started = clock()
    sweep = Schedule(started, SWEEP_INTERVAL, SWEEP_INTERVAL)
    purge = Schedule(started + PURGE_FIRST_AFTER, PURGE_INTERVAL, PURGE_RETRY)
    while not stop.is_set():
        now = clock()
        if sweep.due(now):
            sweep_abandoned_forms(store, now)
            sweep.ran(now)
        if purge.due(now):
            purged = purge_expired(store, now)
            purge.ran(now, purge_inbox(store, now) and purged)
        try:
            result = run_once(store, config, now=clock, stop=stop)
            if result.sent or result.failed:
                _log_pass(result)
        except StoreUnavailable as exc:
            logger.warning("delivery pass skipped: %s", exc.error)
        except Exception as exc:  # noqa: BLE001 - keep polling; a claimed row is retried when its lease ends
            logger.error("delivery pass failed: %s", type(exc).__name__)
        wait(config.worker_poll_seconds)
    logger.info("enquiry delivery worker stopped")


def main(argv: list | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant.enquiries.worker", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    parser.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    store = EnquiryStore()
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        logger.info("signal %d received; stopping after the current notification", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        if args.once:
            try:
                result = run_once(store, stop=stop)
            except StoreUnavailable as exc:
                logger.error("delivery pass failed: %s", exc.error)
                return 3
            _log_pass(result)
            return 0 if result.failed == 0 else 1
        run_forever(store, stop)
        return 0
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
