"""Settings: regions, environment overrides, and every placeholder resolvable."""

from __future__ import annotations

import re

import pytest

from assistant.settings import SettingsError, load_settings
from tests.conftest import all_responses

PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


def test_uk_is_the_default_region() -> None:
    settings = load_settings({})
    assert settings.region == "uk"
    assert settings.help["emergency"] == "999"
    assert settings.help["crisis_line_number"] == "116 123"


def test_us_region_is_selected_by_configuration() -> None:
    settings = load_settings({"HELP_REGION": "US"})
    assert settings.help["emergency"] == "911"
    assert settings.help["crisis_line_number"] == "988"


def test_unknown_region_is_refused() -> None:
    with pytest.raises(SettingsError):
        load_settings({"HELP_REGION": "mars"})


def test_links_come_from_the_environment() -> None:
    settings = load_settings(
        {"PAGE_URL": "https://example.org/page/", "CONTACT_URL": "https://example.org/contact"}
    )
    values = settings.template_vars()
    assert values["page_url"] == "https://example.org/page"
    assert values["contact_link"] == "[the contact page](https://example.org/contact)"


def test_without_a_contact_url_the_reply_still_reads_well() -> None:
    assert load_settings({}).template_vars()["contact_link"] == "the contact details on this website"


@pytest.mark.parametrize("region", ["uk", "us"])
def test_every_placeholder_in_every_response_is_filled(region: str) -> None:
    values = load_settings({"HELP_REGION": region}).template_vars()
    for name, variants in all_responses().items():
        for variant in variants:
            texts = [variant.get("text", "")] + [
                b["title"] + b["payload"] for b in variant.get("buttons", [])
            ]
            for text in texts:
                missing = set(PLACEHOLDER.findall(text)) - set(values)
                assert not missing, f"{name}: {missing}"


def test_no_response_hard_codes_a_helpline_number() -> None:
    """Numbers live in settings/resources.yml only; responses use placeholders."""
    uk = load_settings({"HELP_REGION": "uk"}).help
    us = load_settings({"HELP_REGION": "us"}).help
    numbers = {m for h in (uk, us) for v in h.values() for m in re.findall(r"\d[\d -]{2,}\d", v)}
    for name, variants in all_responses().items():
        for variant in variants:
            for number in numbers:
                assert number not in variant.get("text", ""), f"{name} hard-codes {number}"
