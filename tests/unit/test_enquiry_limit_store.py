"""At most ENQUIRY_MAX_PER_ADDRESS_PER_DAY enquiries (default 5) with one email or phone in 24 hours."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from assistant.enquiries.config import load_config
from assistant.enquiries.records import EnquiryData
from assistant.settings import SettingsError

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def data(**changes: object) -> EnquiryData:
    values: dict = dict(
        name="Sam",
        contact_method="email",
        email="sam@example.com",
        who_for="me",
        consent_text="I agree.",
        sender_id="conversation-" + uuid.uuid4().hex[:8],
    )
    values.update(changes)
    return EnquiryData(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_store(tmp_path):
    from assistant.enquiries.store import EnquiryStore

    stores = []

    def make(**env: str) -> EnquiryStore:
        config = load_config(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'enquiries.db'}",
                "MAIL_DIR": str(tmp_path / "mail"),
                **env,
            }
        )
        stores.append(EnquiryStore(config=config))
        return stores[-1]

    yield make
    for store in stores:
        store.dispose()


def key() -> str:
    return uuid.uuid4().hex


def test_the_limit_is_five_by_default_and_configurable() -> None:
    assert load_config({}).max_per_address_per_day == 5
    assert load_config({"ENQUIRY_MAX_PER_ADDRESS_PER_DAY": "2"}).max_per_address_per_day == 2
    assert load_config({"ENQUIRY_MAX_PER_ADDRESS_PER_DAY": "0"}).max_per_address_per_day == 0  # off
    for bad in ("-1", "many", "2.5"):
        with pytest.raises(SettingsError):
            load_config({"ENQUIRY_MAX_PER_ADDRESS_PER_DAY": bad})


def test_the_sixth_enquiry_with_one_email_in_a_day_is_refused(make_store) -> None:
    from assistant.enquiries.store import TooManyEnquiries

    store = make_store()
    for hour in range(5):
        assert store.create(data(), key(), now=NOW + timedelta(hours=hour)).created
    with pytest.raises(TooManyEnquiries) as refused:
        store.create(data(email="SAM@Example.com"), key(), now=NOW + timedelta(hours=6))
    assert "sam" not in str(refused.value).lower()  # no address in the error
    assert len(store.list(include_handled=True)) == 5
    # Another address is not affected; the same one is welcome again 24 hours after the first.
    assert store.create(data(email="alex@example.com"), key(), now=NOW + timedelta(hours=6)).created
    assert store.create(data(), key(), now=NOW + timedelta(hours=24, seconds=1)).created


def test_a_phone_number_is_counted_too(make_store) -> None:
    from assistant.enquiries.store import TooManyEnquiries

    store = make_store(ENQUIRY_MAX_PER_ADDRESS_PER_DAY="2")
    phone = data(contact_method="phone", email=None, phone="07911 123456")
    store.create(phone, key(), now=NOW)
    store.create(
        data(contact_method="either", email="other@example.com", phone="+447911123456"), key(), now=NOW
    )
    with pytest.raises(TooManyEnquiries):
        store.create(phone, key(), now=NOW)
    # The "either" enquiry counts for its email address as well.
    store.create(data(email="other@example.com"), key(), now=NOW)
    with pytest.raises(TooManyEnquiries):
        store.create(data(email="other@example.com"), key(), now=NOW)


def test_a_repeated_send_at_the_limit_still_returns_its_reference(make_store) -> None:
    store = make_store(ENQUIRY_MAX_PER_ADDRESS_PER_DAY="1")
    first = store.create(data(), "the-same-key", now=NOW)
    again = store.create(data(), "the-same-key", now=NOW + timedelta(minutes=1))
    assert again.reference == first.reference and not again.created


def test_zero_means_no_limit(make_store) -> None:
    store = make_store(ENQUIRY_MAX_PER_ADDRESS_PER_DAY="0")
    for _ in range(7):
        assert store.create(data(), key(), now=NOW).created


def test_the_refusal_is_an_enquiry_error_that_is_not_a_store_failure() -> None:
    from assistant.enquiries.errors import EnquiryError, StoreUnavailable
    from assistant.enquiries.store import TooManyEnquiries

    assert issubclass(TooManyEnquiries, EnquiryError)
    assert not issubclass(TooManyEnquiries, StoreUnavailable)
