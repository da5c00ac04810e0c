"""Settings: regions, environment overrides, and every placeholder resolvable."""

from __future__ import annotations

import re

import pytest

from assistant.nlg import response_values
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


# Values that an action passes along with the response it utters.
ACTION_VALUES = {
    "utter_enquiry_summary": {"name", "contact", "who_for", "availability", "message"},
    "utter_enquiry_message_too_long": {"length"},
    "utter_enquiry_phone_too_short": {"digits"},
    "utter_enquiry_phone_too_long": {"digits"},
    "utter_enquiry_offer_email": {"email"},
    "utter_enquiry_offer_phone": {"phone"},
    "utter_enquiry_changed": {"change"},
    "utter_enquiry_cannot_remove": {"field"},
    "utter_enquiry_sent": {"reference"},
    "utter_reflection_summary": {"themes"},
    "utter_reflection_next_steps": {"read_more"},
    # named back from the visitor's question by assistant/nlg.py (assistant/unnamed.py)
    "utter_not_on_page/other_therapies": {"asked_method"},
    "utter_not_on_page/groups": {"asked_group"},
    **{
        f"utter_reflect_ack_{p}": {"themes"}
        for p in ("before", "gives", "after", "secrecy", "body", "instead")
    },
}


@pytest.mark.parametrize("region", ["uk", "us"])
def test_every_placeholder_in_every_response_is_filled(region: str) -> None:
    settings_values = response_values(load_settings({"HELP_REGION": region}))
    for name, variants in all_responses().items():
        values = set(settings_values) | ACTION_VALUES.get(name, set())
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


def test_the_booking_link_is_offered_only_when_configured() -> None:
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    import assistant.settings as settings_module
    from assistant.domain_files import DOMAIN_DIR
    from assistant.nlg import SettingsResponseNLG

    domain = Domain.load(str(DOMAIN_DIR))
    tracker = DialogueStateTracker("t", domain.slots)

    def contact_text(env: dict) -> str:
        settings_module.get_settings.cache_clear()
        try:
            import os

            old = dict(os.environ)
            os.environ.update(env)
            nlg = SettingsResponseNLG(domain=domain)
            return asyncio.run(nlg.generate("utter_contact", tracker, "rest"))["text"]
        finally:
            os.environ.clear()
            os.environ.update(old)
            settings_module.get_settings.cache_clear()

    with_link = contact_text({"BOOKING_URL": "https://cal.example/tim"})
    assert "[choose a time](https://cal.example/tim)" in with_link
    without = contact_text({"BOOKING_URL": ""})
    assert "choose a time" not in without and "]()" not in without
    assert "enquiry" in without


def test_a_booking_url_must_be_https() -> None:
    with pytest.raises(SettingsError):
        load_settings({"BOOKING_URL": "javascript:alert(1)"})
