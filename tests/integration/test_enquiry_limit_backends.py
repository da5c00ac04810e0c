"""The daily limit per email or phone on SQLite and PostgreSQL, with case-insensitive emails."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest

from assistant.enquiries.store import EnquiryStore, TooManyEnquiries
from tests.integration.support import enquiry

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_the_limit_holds_on_each_backend(make_store: Callable[..., EnquiryStore], database_url: str) -> None:
    store = make_store(database_url, ENQUIRY_MAX_PER_ADDRESS_PER_DAY="3")
    for minute in range(3):
        store.create(enquiry(email="Sam@Example.com"), uuid.uuid4().hex, now=NOW + timedelta(minutes=minute))
    with pytest.raises(TooManyEnquiries):
        store.create(enquiry(email="sam@example.com"), uuid.uuid4().hex, now=NOW + timedelta(hours=23))
    phone = dict(contact_method="phone", email=None, phone="+447911123456")
    for _ in range(3):
        store.create(enquiry(**phone), uuid.uuid4().hex, now=NOW)
    with pytest.raises(TooManyEnquiries):
        store.create(enquiry(**phone), uuid.uuid4().hex, now=NOW)
    assert len(store.list(include_handled=True)) == 6
    assert store.create(
        enquiry(email="sam@example.com"), uuid.uuid4().hex, now=NOW + timedelta(days=1, minutes=5)
    )
