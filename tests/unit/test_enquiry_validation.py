"""Enquiry form checks as tables: what the visitor types -> what is kept (or why it is refused)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from assistant.enquiries import validation as v
from assistant.enquiries.config import load_config, resolve_sqlite_url
from assistant.enquiries.errors import InvalidEnquiry
from assistant.enquiries.models import new_reference, normalise_reference
from assistant.enquiries.records import EnquiryData
from assistant.enquiries.store import months_before
from assistant.settings import PROJECT_ROOT

OK = v.accept
BAD = v.reject
R = v.Reason


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sam", OK("Sam")),
        ("  Sam   Jones  ", OK("Sam Jones")),
        ("J", OK("J")),
        ("Zoë O'Neil-Smith", OK("Zoë O'Neil-Smith")),
        ("Mr. T", OK("Mr. T")),
        ("A" * 60, OK("A" * 60)),
        ("A" * 61, BAD(R.TOO_LONG)),
        ("", BAD(R.EMPTY)),
        ("   ", BAD(R.EMPTY)),
        (None, BAD(R.EMPTY)),
        ("12345", BAD(R.NOT_A_NAME)),
        ("07911 123456", BAD(R.NOT_A_NAME)),
        ("sam@example.com", BAD(R.NOT_A_NAME)),
        ("http://spam.example", BAD(R.NOT_A_NAME)),
        ("www.example.org", BAD(R.NOT_A_NAME)),
        ("visit cheap.com", BAD(R.NOT_A_NAME)),
        ("Sam\x00\u200b", OK("Sam")),
        ("Sam\nJones", OK("Sam Jones")),
    ],
)
def test_name(text, expected) -> None:
    assert v.check_name(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sam@example.com", OK("sam@example.com")),
        ("  Sam.Jones@Example.COM ", OK("Sam.Jones@example.com")),
        ("my email is sam@example.com.", OK("sam@example.com")),
        ("<sam@example.co.uk>", OK("sam@example.co.uk")),
        ("mailto:sam@example.com", OK("sam@example.com")),
        ("sam@example", BAD(R.INVALID)),
        ("sam@localhost", BAD(R.INVALID)),
        ("sam.@example.com", BAD(R.INVALID)),
        ("sam example.com", BAD(R.INVALID)),
        ("a@example.com or b@example.com", BAD(R.INVALID)),
        ("sam@example.invalid", BAD(R.INVALID)),
        ("x" * 250 + "@example.com", BAD(R.TOO_LONG)),
        ("", BAD(R.EMPTY)),
        (None, BAD(R.EMPTY)),
    ],
)
def test_email(text, expected) -> None:
    assert v.check_email(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("07911 123456", OK("+447911123456")),
        ("07911123456", OK("+447911123456")),
        ("+44 7911 123456", OK("+447911123456")),
        ("0044 7911 123456", OK("+447911123456")),
        ("(020) 7946 0018", OK("+442079460018")),
        ("0161 496 0000", OK("+441614960000")),
        ("my number is 07911 123456, evenings", OK("+447911123456")),
        ("+1 415 555 2671", OK("+14155552671")),
        ("07700 900123", BAD(R.INVALID)),  # Ofcom drama range: not a real number
        ("12345", BAD(R.INVALID)),
        ("call me maybe", BAD(R.INVALID)),
        ("07911 123456 or 0161 496 0000", BAD(R.INVALID)),
        ("", BAD(R.EMPTY)),
        (None, BAD(R.EMPTY)),
    ],
)
def test_phone(text, expected) -> None:
    assert v.check_phone(text) == expected


def test_phone_uses_the_given_region() -> None:
    assert v.check_phone("(415) 555-2671", region="US") == OK("+14155552671")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("email", OK("email")),
        ("Email please", OK("email")),
        ("e-mail", OK("email")),
        ("by mail", OK("email")),
        ("phone", OK("phone")),
        ("text me", OK("phone")),
        ("no, phone me instead", OK("phone")),
        ("nope. ring me", OK("phone")),
        ("call", OK("phone")),
        ("Ring me", OK("phone")),
        ("my mobile", OK("phone")),
        ("either", OK("either")),
        ("I don't mind", OK("either")),
        ("email or phone", OK("either")),
        ("whichever", OK("either")),
        ("don't call, email me", OK("email")),
        ("not by email", OK("phone")),
        ("please don't text", OK("email")),
        ("pigeon", BAD(R.UNKNOWN)),
        ("", BAD(R.EMPTY)),
    ],
)
def test_contact_method(text, expected) -> None:
    assert v.check_contact_method(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("me", OK("me")),
        ("Just me", OK("me")),
        ("myself", OK("me")),
        ("it's for me", OK("me")),
        ("both of us", OK("me_and_partner")),
        ("me and my partner", OK("me_and_partner")),
        ("my wife and I", OK("me_and_partner")),
        ("we want to come together", OK("me_and_partner")),
        ("couples therapy", OK("me_and_partner")),
        ("my partner", OK("partner")),
        ("I'm a partner", OK("partner")),
        ("I'm worried about my husband", OK("partner")),
        ("for my boyfriend", OK("partner")),
        ("me_and_partner", OK("me_and_partner")),
        ("dunno", BAD(R.UNKNOWN)),
        ("", BAD(R.EMPTY)),
    ],
)
def test_who_for(text, expected) -> None:
    assert v.check_who_for(text) == expected


@pytest.mark.parametrize(
    "who_for, route",
    [
        ("me", "individual"),
        ("me_and_partner", "couple_partner"),
        ("partner", "couple_partner"),
        (None, "general"),
    ],
)
def test_route(who_for, route) -> None:
    assert v.route_for(who_for) == route


@pytest.mark.parametrize(
    "text, expected",
    [
        ("weekday evenings", OK("weekday evenings")),
        ("  Mondays   after 6pm ", OK("Mondays after 6pm")),
        ("skip", OK(None)),
        ("No", OK(None)),
        ("no thanks.", OK(None)),
        ("", OK(None)),
        (None, OK(None)),
        ("x" * 200, OK("x" * 200)),
        ("x" * 201, BAD(R.TOO_LONG)),
    ],
)
def test_availability(text, expected) -> None:
    assert v.check_availability(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'd like to talk about my habits.", OK("I'd like to talk about my habits.")),
        ("line one\n\n\n\nline two  ", OK("line one\n\nline two")),
        ("skip", OK(None)),
        ("nothing", OK(None)),
        (None, OK(None)),
        ("x" * 500, OK("x" * 500)),
        ("x" * 501, BAD(R.TOO_LONG)),  # refused, never cut short
    ],
)
def test_message(text, expected) -> None:
    assert v.check_message(text) == expected


def test_reasons_never_contain_the_value() -> None:
    canary = "canary-7f3a@example"
    for check in (v.check_name, v.check_email, v.check_phone, v.check_contact_method, v.check_who_for):
        result = check(canary + " x" * 300)
        assert result.value is None or canary not in str(result.error)
        assert canary not in repr(result.error)


def _data(**changes) -> EnquiryData:
    values = dict(
        name="Sam",
        contact_method="email",
        email="sam@example.com",
        consent_text="I agree",
        consent_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
    )
    values.update(changes)
    return EnquiryData(**values)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": "12345"}, "name"),
        ({"email": "not an email"}, "email"),
        ({"contact_method": "phone"}, "phone"),
        ({"contact_method": "fax"}, "contact_method"),
        ({"contact_method": "either", "email": None}, "email"),
        ({"who_for": "neighbour"}, "who_for"),
        ({"message": "x" * 501}, "message"),
        ({"availability": "x" * 201}, "availability"),
        ({"consent_text": "  "}, "consent_text"),
        ({"consent_at": datetime(2025, 1, 1)}, "consent_at"),
    ],
)
def test_enquiry_data_names_the_bad_field(changes, field) -> None:
    with pytest.raises(InvalidEnquiry) as caught:
        _data(**changes).validated()
    assert caught.value.field == field


def test_enquiry_data_is_normalised() -> None:
    clean = _data(name=" Sam  J ", email="Sam@Example.com", phone="07911 123456", message="skip").validated()
    assert (clean.name, clean.email, clean.phone, clean.message) == (
        "Sam J",
        "Sam@example.com",
        "+447911123456",
        None,
    )


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("TN-7K3P", "TN-7K3P"),
        ("tn-7k3p", "TN-7K3P"),
        ("7k3p", "TN-7K3P"),
        ("TN 7K3P", "TN-7K3P"),
        ("TNAB", "TN-TNAB"),
    ],
)
def test_reference_as_typed(typed, stored) -> None:
    assert normalise_reference(typed) == stored


def test_new_reference_shape() -> None:
    for _ in range(200):
        ref = new_reference()
        assert ref.startswith("TN-") and len(ref) == 7
        assert not set(ref[3:]) & set("01IOLUV")


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (datetime(2025, 3, 31, tzinfo=timezone.utc), 1, datetime(2025, 2, 28, tzinfo=timezone.utc)),
        (datetime(2025, 1, 15, tzinfo=timezone.utc), 12, datetime(2024, 1, 15, tzinfo=timezone.utc)),
        (datetime(2024, 2, 29, tzinfo=timezone.utc), 12, datetime(2023, 2, 28, tzinfo=timezone.utc)),
        (datetime(2025, 1, 10, tzinfo=timezone.utc), 13, datetime(2023, 12, 10, tzinfo=timezone.utc)),
    ],
)
def test_months_before(moment, months, expected) -> None:
    assert months_before(moment, months) == expected


def test_config_defaults_and_overrides() -> None:
    default = load_config({})
    assert default.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'enquiries.db'}"
    assert default.tracker_db_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
    assert (default.retention_months, default.smtp_host, default.smtp_starttls) == (12, "", True)
    assert default.mail_dir == PROJECT_ROOT / "var" / "mail"
    custom = load_config(
        {
            "SMTP_HOST": "mail",
            "SMTP_STARTTLS": "0",
            "SMTP_PASSWORD": "s3cret",
            "ENQUIRY_RETENTION_MONTHS": "6",
        }
    )
    assert (custom.smtp_port, custom.smtp_starttls, custom.retention_months) == (25, False, 6)
    assert "s3cret" not in repr(custom)
    assert resolve_sqlite_url("postgresql://u:p@h/db") == "postgresql://u:p@h/db"
    assert resolve_sqlite_url("sqlite:///rel/x.db") == f"sqlite:///{PROJECT_ROOT / 'rel' / 'x.db'}"


@pytest.mark.parametrize(
    "text, skipped",
    [
        ("no message thanks", True),
        ("Nothing, thank you.", True),
        ("no need, cheers", True),
        ("im good thanks", True),
        ("skip please", True),
        ("thanks", False),
        ("no message about my wife please", False),
        ("I'd like to talk about the apps, thanks", False),
    ],
)
def test_a_polite_skip_is_a_skip(text: str, skipped: bool) -> None:
    assert v.is_skip(text) is skipped
