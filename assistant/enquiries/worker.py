"""The delivery worker: sends each enquiry's notification once, retrying until it goes through.

    python -m assistant.enquiries.worker          # poll every ENQUIRY_WORKER_POLL_SECONDS
    python -m assistant.enquiries.worker --once   # deliver what is due, then exit

SIGTERM or SIGINT stops it after the notification in hand. Logs carry only references, routes,
attempt counts and error class names. ``--once`` exits 0 when everything due was delivered,
1 when some notifications are left to retry, 3 when the database is unavailable.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Set

from assistant.enquiries.config import EnquiryConfig
from assistant.enquiries.errors import StoreUnavailable
from assistant.enquiries.mail import build_notification, deliver
from assistant.enquiries.models import utcnow
from assistant.enquiries.outbox import Claim, backoff_seconds, claim_next, mark_failed, mark_sent
from assistant.enquiries.store import EnquiryStore
from assistant.private_slots import PRIVATE_SLOTS

logger = logging.getLogger(__name__)


@dataclass
class PassResult:
    """What one pass over the outbox did."""

    sent: int = 0
    failed: int = 0


def deliver_claim(store: EnquiryStore, claim: Claim, config: EnquiryConfig, now: datetime) -> bool:
    """Send one claimed notification and record the outcome; True if it was delivered."""
    try:
        message = build_notification(claim.reference, claim.route, claim.created_at, config)
        how = deliver(message, claim.reference, config)
    except Exception as exc:  # noqa: BLE001 - any failure is retried; only the class is logged
        error = type(exc).__name__
        delay = backoff_seconds(claim.attempt, config.retry_base_seconds, config.retry_max_seconds)
        mark_failed(store, claim, now + timedelta(seconds=delay), error)
        logger.warning(
            "notification for %s failed (attempt %d, %s); retry in %.0fs",
            claim.reference,
            claim.attempt,
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
        if deliver_claim(store, claim, config, moment):
            result.sent += 1
        else:
            result.failed += 1
    return result


SWEEP_SECONDS = 300.0
ABANDONED_AFTER = timedelta(minutes=65)  # Rasa's sessions end after 60 idle minutes


def sweep_abandoned_forms(store: EnquiryStore, now: datetime | None = None) -> int:
    """Empty what was typed into forms left open in conversations idle for over an hour."""
    now = now or datetime.now(timezone.utc)
    try:
        return store.conversations.clear_abandoned_form_data(PRIVATE_SLOTS, now - ABANDONED_AFTER)
    except StoreUnavailable as exc:
        logger.warning("abandoned-form sweep skipped: %s", exc.error)
        return 0


def run_forever(store: EnquiryStore, stop: threading.Event, config: EnquiryConfig | None = None) -> None:
    """Poll until ``stop`` is set; a database outage is logged and waited out."""
    config = config or store.config
    logger.info("enquiry delivery worker started (poll every %.1fs)", config.worker_poll_seconds)
    next_sweep = 0.0
    while not stop.is_set():
        if time.monotonic() >= next_sweep:
            next_sweep = time.monotonic() + SWEEP_SECONDS
            sweep_abandoned_forms(store)
        try:
            result = run_once(store, config, stop=stop)
            if result.sent or result.failed:
                logger.info("delivery pass: %d sent, %d to retry", result.sent, result.failed)
        except StoreUnavailable as exc:
            logger.warning("delivery pass skipped: %s", exc.error)
        except Exception as exc:  # noqa: BLE001 - keep polling; a claimed row is retried when its lease ends
            logger.error("delivery pass failed: %s", type(exc).__name__)
        stop.wait(config.worker_poll_seconds)
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
            logger.info("delivery pass: %d sent, %d to retry", result.sent, result.failed)
            return 0 if result.failed == 0 else 1
        run_forever(store, stop)
        return 0
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
