"""The worker's daily purge also tidies the inbox (review finding 9): sessions past their idle or
absolute limit are deleted, and activity-log rows older than the retention period go with the
enquiries they named. Driven by the same controllable clock as the worker's retention tests.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from assistant.enquiries.accounts import STAGE_OK, AdminAccounts, token_hash
from assistant.enquiries.models import AdminAudit, AdminSession
from assistant.enquiries.store import EnquiryStore
from tests.integration.support import TrackerDB
from tests.integration.test_enquiry_retention import START, FakeClock, drive

PASSWORD = "a perfectly long password"


def test_the_daily_purge_ends_expired_sessions_and_old_audit_rows(
    make_store, sqlite_url: str, tracker: TrackerDB
) -> None:
    store: EnquiryStore = make_store(sqlite_url)  # retention: 12 months
    accounts = AdminAccounts(store)
    accounts.set_password("tim", PASSWORD)
    user = accounts.check_password("tim", PASSWORD).user_id
    assert user is not None
    too_old = accounts.start_session(user, STAGE_OK, now=START - timedelta(hours=13))
    idle = accounts.start_session(user, STAGE_OK, now=START - timedelta(hours=1))
    live = accounts.start_session(user, STAGE_OK, now=START + timedelta(minutes=20))
    accounts.audit("tim", "view", "TN-OLD1", now=START - timedelta(days=400))
    accounts.audit("tim", "view", "TN-NEW1", now=START - timedelta(days=300))

    drive(store, FakeClock(START), until=START + timedelta(hours=2))

    with store.session() as session:
        kept = set(session.execute(select(AdminSession.token_hash)).scalars())
        references = set(session.execute(select(AdminAudit.reference)).scalars())
        count = session.execute(select(func.count()).select_from(AdminSession)).scalar_one()
    assert token_hash(live) in kept and count == 1
    assert token_hash(too_old) not in kept and token_hash(idle) not in kept
    assert "TN-NEW1" in references and "TN-OLD1" not in references
