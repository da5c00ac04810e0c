"""The consent statement: what is kept, for whom, how long, and why explicit consent is asked."""

from __future__ import annotations

import pytest

from assistant.enquiries.consent import consent_statement


@pytest.fixture
def statement() -> str:
    return consent_statement("Tim Norton", 12)


def test_it_says_the_enquiry_may_reveal_sexual_life_or_health(statement: str) -> None:
    lowered = statement.lower()
    assert "sex life" in lowered and "health" in lowered
    assert "special category" in lowered


def test_it_says_that_is_why_explicit_consent_is_asked(statement: str) -> None:
    assert "explicit consent" in statement.lower()


@pytest.mark.parametrize(
    "phrase",
    ["Your name, contact details", "kept for Tim Norton", "deleted after 12 months", "deleted sooner"],
)
def test_it_still_names_the_data_the_recipient_and_the_retention(statement: str, phrase: str) -> None:
    assert phrase in statement


def test_it_stays_short(statement: str) -> None:
    assert len(statement.split()) <= 90


def test_one_month_is_singular() -> None:
    assert "deleted after 1 month." in consent_statement("Tim", 1)
