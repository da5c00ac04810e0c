"""Safety responses: from the domain, using the configured resources, never shaming, never diagnosing."""

from __future__ import annotations

import re

import pytest
import yaml

from assistant.domain_files import domain_yaml
from assistant.nlg import apply_safety_rules
from assistant.settings import load_settings
from tests.conftest import ROOT, all_responses

ROUTES = ["crisis", "under_18", "child_content", "sextortion", "abuse"]
DOMAIN = domain_yaml()
RULES = yaml.safe_load((ROOT / "data" / "rules" / "safety.yml").read_text())["rules"]


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_is_answered_by_a_domain_response(route: str) -> None:
    assert f"safety_{route}" in DOMAIN["intents"]
    assert f"utter_safety_{route}" in DOMAIN["responses"]
    steps = [r["steps"] for r in RULES if r["steps"][0].get("intent") == f"safety_{route}"]
    assert steps == [
        [
            {"intent": f"safety_{route}"},
            {"action": f"utter_safety_{route}"},
            {"action": "action_deactivate_loop"},
            {"active_loop": None},
        ]
    ]


EXPECTED_UK = {
    "crisis": ["999", "A&E", "Samaritans", "116 123", "85258", "NHS 111"],
    "under_18": ["Childline on 0800 1111", "Report Remove"],
    "child_content": ["Stop It Now on 0808 1000 900"],
    "sextortion": ["StopNCII.org", "0345 6000 459", "101", "999", "Don't pay"],
    "abuse": ["0808 2000 247", "0808 801 0327", "999", "55"],
}
EXPECTED_US = {
    "crisis": ["911", "988"],
    "under_18": ["1-800-422-4453"],
    "child_content": ["1-888-773-8368"],
    "sextortion": ["StopNCII.org", "911"],
    "abuse": ["1-800-799-7233", "911"],
}


@pytest.mark.parametrize("region, expected", [("uk", EXPECTED_UK), ("us", EXPECTED_US)])
def test_safety_responses_render_the_configured_resources(region: str, expected: dict) -> None:
    values = load_settings({"HELP_REGION": region}).template_vars()
    for route, needles in expected.items():
        template = DOMAIN["responses"][f"utter_safety_{route}"][0]["text"]
        assert "{help_" in template  # numbers come from settings, not the response
        rendered = template.format_map(values)
        for needle in needles:
            assert needle in rendered, (region, route, needle)


def test_crisis_response_never_mentions_means() -> None:
    text = DOMAIN["responses"]["utter_safety_crisis"][0]["text"].lower()
    for word in ("pill", "dose", "overdose", "method", "tablet", "paracetamol"):
        assert word not in text


def test_child_content_response_asks_nothing() -> None:
    assert "?" not in DOMAIN["responses"]["utter_safety_child_content"][0]["text"]


BANNED = re.compile(
    r"\b(addict|addicts|addiction|relapse|relapsed|clean|streak|disgusting|sinful|pervert|perverted)\b", re.I
)
# The one answer that explains why the page does not frame this as an addiction,
# and the button that asks for it (a visitor's question, not a label).
ALLOWED = {"utter_faq/not_addiction": {"addiction"}}
ALLOWED_BUTTONS = {"Is it an addiction?"}


def test_no_response_shames_or_diagnoses() -> None:
    for name, variants in all_responses().items():
        for variant in variants:
            for match in BANNED.finditer(NOT_A_DIAGNOSIS.sub("", variant.get("text", ""))):
                assert match.group(0).lower() in ALLOWED.get(name, set()), f"{name}: {match.group(0)}"
            for button in variant.get("buttons", []):
                if button["title"] not in ALLOWED_BUTTONS:
                    assert not BANNED.search(button["title"] + " " + button["payload"]), f"{name}: {button}"


# Saying plainly that something is NOT a diagnosis is required (the reflection summary).
NOT_A_DIAGNOSIS = re.compile(r"\b(isn't|is not|not) a diagnosis\b", re.I)


def test_no_response_rates_risk_or_names_a_disorder() -> None:
    pattern = re.compile(r"\b(disorder|diagnos(is|e)|risk level|high risk|low risk|you are an?)\b", re.I)
    for name, variants in all_responses().items():
        for variant in variants:
            assert not pattern.search(NOT_A_DIAGNOSIS.sub("", variant.get("text", ""))), name


def test_the_reflection_summary_says_it_is_not_a_diagnosis() -> None:
    assert NOT_A_DIAGNOSIS.search(all_responses()["utter_reflection_summary"][0]["text"])


FAQ = {"text": "Answer.\n\nYou can ask me something else or pick a topic, or get in touch with Tim Norton.",
       "buttons": [{"title": "Show me the topics", "payload": "Show me the topics"},
                   {"title": "Get in touch", "payload": "Get in touch"}]}  # fmt: skip


def test_no_booking_suggestion_in_the_safety_turn_and_the_next_two() -> None:
    for intents in (["safety_abuse"], ["safety_abuse", "faq"], ["safety_abuse", "faq", "thanks"]):
        out = apply_safety_rules(FAQ, intents)
        assert [b["title"] for b in out["buttons"]] == ["Show me the topics"]
        assert "get in touch" not in out["text"]
        assert out["text"].endswith("You can ask me something else or pick a topic.")  # still a sentence
    later = apply_safety_rules(FAQ, ["safety_abuse", "faq", "thanks", "faq"])
    assert "Get in touch" in [b["title"] for b in later["buttons"]]


def test_asking_to_book_is_answered_even_in_the_cool_down() -> None:
    out = apply_safety_rules(FAQ, ["safety_sextortion", "contact"])
    assert "Get in touch" in [b["title"] for b in out["buttons"]]


def test_get_help_now_stays_for_the_rest_of_the_conversation_after_a_crisis() -> None:
    out = apply_safety_rules(FAQ, ["safety_crisis", "safety_retract", "faq", "faq", "faq", "thanks"])
    assert out["buttons"][-1] == {"title": "Get help now", "payload": "Get help now"}


def test_no_change_without_a_safety_turn() -> None:
    assert apply_safety_rules(FAQ, ["greet", "faq"]) == FAQ


PRICE = {
    "text": "The page doesn't mention fees. Tim Norton can tell you directly through the contact details on this website.",
    "buttons": [{"title": "Get in touch", "payload": "Get in touch"}],
}


def test_the_cool_down_drops_every_sentence_that_offers_contact() -> None:
    out = apply_safety_rules(
        PRICE, ["safety_abuse", "not_on_page"], contact_phrase="the contact details on this website"
    )
    assert out["text"] == "The page doesn't mention fees."
    assert out["buttons"] == []


def test_a_minor_is_never_offered_contact_again() -> None:
    later = ["safety_under_18", "faq", "faq", "faq", "faq", "contact"]
    out = apply_safety_rules(FAQ, later, is_minor=True)
    assert "Get in touch" not in [b["title"] for b in out["buttons"]]
    assert "get in touch" not in out["text"]


def test_help_now_survives_when_the_only_button_was_contact() -> None:
    out = apply_safety_rules(PRICE, ["safety_crisis", "not_on_page"])
    assert out["buttons"] == [{"title": "Get help now", "payload": "Get help now"}]


def test_abuse_response_covers_childhood_abuse_and_under_18s() -> None:
    values = load_settings({"HELP_REGION": "uk"}).template_vars()
    text = DOMAIN["responses"]["utter_safety_abuse"][0]["text"].format_map(values)
    assert "NAPAC" in text and "0808 801 0331" in text and "Childline on 0800 1111" in text


def test_an_under_18_flag_on_a_crisis_turn_marks_the_visitor_as_a_minor() -> None:
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.nlg import minor_disclosed

    tracker = DialogueStateTracker("v", slots=[])
    assert not minor_disclosed(tracker)
    flags = {"intent": {"name": "safety_crisis"}, "safety_flags": ["crisis", "under_18"]}
    tracker.update(UserUttered("", intent={"name": "safety_crisis"}, parse_data=flags))
    assert minor_disclosed(tracker)
