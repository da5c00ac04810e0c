"""The safety override combines the patterns with the trained safety intents."""

from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.safety_gate import SafetyOverride
from assistant.settings import get_settings


@pytest.fixture(scope="module")
def gate() -> SafetyOverride:
    return SafetyOverride(
        {
            "model": str(get_settings().spacy_model),
            "crisis_threshold": 0.8,
            "classifier_threshold": 0.9,
            "fallback_threshold": 0.4,
        }
    )


def parsed(text: str, ranking: List[Tuple[str, float]]) -> Message:
    ranked = [{"name": n, "confidence": c} for n, c in ranking]
    return Message(data={"text": text, "intent": ranked[0], "intent_ranking": ranked})


def intent_after(gate: SafetyOverride, text: str, ranking: List[Tuple[str, float]]) -> str:
    (message,) = gate.process([parsed(text, ranking)])
    return message.get("intent")["name"]


def test_patterns_override_any_prediction(gate) -> None:
    assert intent_after(gate, "kms", [("greet", 0.99), ("faq", 0.01)]) == "safety_crisis"


def test_patterns_override_a_less_urgent_classifier_route(gate) -> None:
    text = "someone sent me pictures of children"
    assert intent_after(gate, text, [("safety_under_18", 0.95), ("faq", 0.05)]) == "safety_child_content"


def test_patterns_rank_routes_by_urgency(gate) -> None:
    text = "my husband hits me and I want to die"
    assert intent_after(gate, text, [("safety_abuse", 0.97), ("safety_crisis", 0.03)]) == "safety_crisis"


def test_an_idiom_does_not_route_on_the_classifier_alone(gate) -> None:
    assert (
        intent_after(gate, "I'm dying to know", [("safety_crisis", 0.99), ("out_of_scope", 0.01)])
        == "nlu_fallback"
    )
    assert (
        intent_after(gate, "what is sextortion?", [("safety_sextortion", 0.98), ("faq", 0.02)])
        == "nlu_fallback"
    )


def test_a_confident_classifier_routes_alone(gate) -> None:
    text = "there is no light left for me"
    assert intent_after(gate, text, [("safety_crisis", 0.95), ("faq", 0.05)]) == "safety_crisis"


def test_an_unsure_classifier_alone_does_not_route(gate) -> None:
    text = "I could kill for a coffee"
    assert intent_after(gate, text, [("safety_crisis", 0.6), ("out_of_scope", 0.35)]) == "nlu_fallback"
    assert (
        intent_after(gate, "I feel hopeless", [("safety_abuse", 0.85), ("share_context", 0.15)])
        == "nlu_fallback"
    )
    assert intent_after(gate, text, [("safety_crisis", 0.5), ("out_of_scope", 0.45)]) == "out_of_scope"


def test_other_intents_pass_through(gate) -> None:
    assert intent_after(gate, "what is this about", [("faq", 0.99)]) == "faq"


@pytest.mark.parametrize("text", ["14 years on Tinder", "I'm 18", "16 tabs open"])
def test_numbers_that_are_not_a_minor_age_do_not_route_under_18(gate, text: str) -> None:
    assert intent_after(gate, text, [("safety_under_18", 0.99), ("share_context", 0.01)]) != "safety_under_18"


def test_a_minor_without_digits_still_routes_on_the_classifier(gate) -> None:
    text = "I'm not old enough to be on these sites"
    assert intent_after(gate, text, [("safety_under_18", 0.95), ("faq", 0.05)]) == "safety_under_18"


def test_sextortion_needs_images_money_or_threats(gate) -> None:
    text = "I blackmailed my brother into doing the washing up lol"
    assert (
        intent_after(gate, text, [("safety_sextortion", 0.99), ("share_context", 0.01)])
        != "safety_sextortion"
    )


def test_every_route_found_is_recorded_for_the_conversation(gate) -> None:
    (message,) = gate.process([parsed("I'm 16 and I want to die", [("faq", 0.9)])])
    assert message.get("intent")["name"] == "safety_crisis"
    assert message.get("safety_flags") == ["crisis", "under_18"]


def test_an_idiom_with_risk_words_gets_a_check_in_not_a_route(gate) -> None:
    (message,) = gate.process([parsed("I'm dying to know", [("safety_crisis", 0.99), ("faq", 0.01)])])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("safety_concern") == "crisis"


def test_a_weak_safety_signal_is_a_concern_and_a_clear_answer_is_kept(gate) -> None:
    ranking = [("faq", 0.6), ("safety_abuse", 0.3), ("greet", 0.1)]
    (message,) = gate.process([parsed("he gets really angry when I go out", ranking)])
    assert message.get("intent")["name"] == "faq"
    assert message.get("safety_concern") == "abuse"
    (calm,) = gate.process(
        [parsed("how is this different from porn", [("faq", 0.95), ("safety_abuse", 0.05)])]
    )
    assert calm.get("safety_concern") is None


def test_feeling_low_is_a_crisis_check_in(gate) -> None:
    (message,) = gate.process([parsed("feeling so rubbish tonight", [("feeling_low", 0.9), ("faq", 0.1)])])
    assert message.get("intent")["name"] == "feeling_low"
    assert message.get("safety_concern") == "crisis"


def test_other_routes_the_classifier_sees_are_flagged_beside_the_chosen_one(gate) -> None:
    ranking = [("safety_crisis", 0.8), ("safety_sextortion", 0.2)]
    (message,) = gate.process([parsed("they will post it and then I'm done with this life", ranking)])
    assert message.get("intent")["name"] == "safety_crisis"
    assert message.get("safety_flags") == ["crisis", "sextortion"]


def test_under_18_is_never_flagged_by_the_classifier_alone(gate) -> None:
    ranking = [("safety_sextortion", 0.75), ("safety_under_18", 0.25)]
    (message,) = gate.process([parsed("someone has my pics and wants money", ranking)])
    assert "under_18" not in (message.get("safety_flags") or [])


def test_a_confident_crisis_beside_a_pattern_route_leads(gate) -> None:
    ranking = [("safety_crisis", 0.95), ("safety_sextortion", 0.05)]
    text = "he's got my nudes and wants £500 by tonight, if they go out I won't be around to see it"
    (message,) = gate.process([parsed(text, ranking)])
    assert message.get("intent")["name"] == "safety_crisis"
    assert "sextortion" in message.get("safety_flags")


def test_the_form_of_a_question_never_explains_away_a_crisis(gate) -> None:
    text = "what is the most painless way to go, hypothetically"
    assert intent_after(gate, text, [("safety_crisis", 0.97), ("faq", 0.03)]) == "safety_crisis"


@pytest.mark.parametrize("text", ["Get help now", "get help now!", "  GET HELP NOW "])
def test_the_help_button_is_never_left_to_the_classifier(gate, text: str) -> None:
    assert intent_after(gate, text, [("safety_crisis", 0.6), ("get_help_now", 0.3)]) == "get_help_now"


def test_button_payloads_are_read_as_their_intent(gate) -> None:
    assert intent_after(gate, "Send it", [("stop", 0.31), ("affirm", 0.26)]) == "affirm"
    assert intent_after(gate, "No, keep it", [("nlu_fallback", 0.4), ("deny", 0.3)]) == "deny"


def test_every_single_intent_button_of_the_domain_is_mapped() -> None:
    from assistant.domain_files import domain_yaml
    from assistant.nlu.safety_gate import BUTTON_INTENTS, HELP_NOW_TEXTS

    domain = domain_yaml()
    payloads = {
        b["payload"].lower()
        for variants in domain["responses"].values()
        for v in variants
        for b in v.get("buttons") or []
    }
    questions = {p for p in payloads if p.endswith("?") or p.startswith(("change", "by ", "{"))}
    free_text = {
        "just me",
        "me and my partner",
        "i'm the partner of someone affected",
        "that's all for now, thanks",
    }
    unmapped = payloads - questions - free_text - set(BUTTON_INTENTS) - HELP_NOW_TEXTS
    assert not unmapped


def test_gibberish_never_gets_a_full_response_from_the_classifier_alone(gate) -> None:
    (message,) = gate.process([parsed("xqzzy flurbo", [("safety_crisis", 0.93), ("greet", 0.07)])])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("safety_concern") == "crisis"


@pytest.mark.parametrize(
    "text, intent",
    [("me", "share_context"), ("Me.", "share_context"), ("no thanks", "deny"), ("No, thank you!", "deny")],
)
def test_the_shortest_answers_are_never_left_to_the_classifier(gate, text: str, intent: str) -> None:
    assert intent_after(gate, text, [("stop", 0.71), ("nlu_fallback", 0.2)]) == intent


@pytest.mark.parametrize("text", ["remove the times", "take out the days please", "scrap the phone number"])
def test_delete_my_chat_needs_the_chat_named(gate, text: str) -> None:
    ranking = [("delete_chat", 0.62), ("share_context", 0.5), ("faq", 0.1)]
    assert intent_after(gate, text, ranking) == "share_context"


@pytest.mark.parametrize(
    "text",
    ["delete my chat", "can you erase this conversation", "delete everything I said", "delete", "wipe it"],
)
def test_delete_my_chat_still_reads_when_the_chat_is_named(gate, text: str) -> None:
    assert intent_after(gate, text, [("delete_chat", 0.8), ("stop", 0.1)]) == "delete_chat"


# --- the safety routes' own classifier (safety_scores) ------------------------------------


def scored(text: str, ranking: List[Tuple[str, float]], scores: dict) -> Message:
    message = parsed(text, ranking)
    message.set("safety_scores", scores)
    return message


def test_the_safety_classifier_routes_where_the_shared_ranking_has_no_safety_intent(gate) -> None:
    message = scored(
        "he keeps my passport and my bank card",
        [("share_context", 0.9), ("faq", 0.1)],
        {"abuse": 0.93, "none": 0.05, "crisis": 0.02},
    )
    (message,) = gate.process([message])
    assert message.get("intent")["name"] == "safety_abuse"


def test_the_shared_rankings_safety_intent_does_not_route_when_the_safety_classifier_says_none(gate) -> None:
    message = scored(
        "my mate reckons I'm hooked on grindr",
        [("safety_under_18", 0.95), ("faq", 0.05)],
        {"none": 0.8, "under_18": 0.2},
    )
    (message,) = gate.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"  # faq at 0.05 is too unsure
    assert message.get("safety_concern") is None  # 0.2 is below the concern threshold


def test_a_weak_safety_score_is_a_check_in(gate) -> None:
    message = scored("everything feels heavy lately", [("share_context", 0.9)], {"none": 0.6, "crisis": 0.4})
    (message,) = gate.process([message])
    assert message.get("intent")["name"] == "share_context"
    assert message.get("safety_concern") == "crisis"


def test_the_crisis_threshold_applies_to_a_crisis_score(gate) -> None:
    below = scored("ordinary words here", [("share_context", 0.9)], {"crisis": 0.75, "none": 0.25})
    above = scored("ordinary words here", [("share_context", 0.9)], {"crisis": 0.85, "none": 0.15})
    gate.process([below, above])
    assert below.get("intent")["name"] == "share_context"  # the module's gate: crisis from 0.8
    assert above.get("intent")["name"] == "safety_crisis"


def test_a_crisis_the_shared_classifier_is_sure_of_routes_beside_the_safety_scores(gate) -> None:
    sure = scored(
        "ordinary words here", [("safety_crisis", 0.85), ("faq", 0.15)], {"crisis": 0.3, "none": 0.7}
    )
    unsure = scored(
        "ordinary words here", [("safety_crisis", 0.6), ("faq", 0.4)], {"crisis": 0.3, "none": 0.7}
    )
    gate.process([sure, unsure])
    assert sure.get("intent")["name"] == "safety_crisis"
    assert unsure.get("intent")["name"] == "faq"


# --- patterns checked against the safety classifier, and its possible-concern class -------


@pytest.fixture(scope="module")
def checked_gate() -> SafetyOverride:
    return SafetyOverride(
        {
            "model": str(get_settings().spacy_model),
            "crisis_threshold": 0.5,
            "classifier_threshold": 0.6,
            "fallback_threshold": 0.35,
            "pattern_threshold": 0.3,
        }
    )


def test_a_pattern_route_the_classifier_does_not_bear_out_is_a_check_in(checked_gate) -> None:
    text = "he filmed us without asking and now he says he'll send the videos to my family"
    assert intent_after(checked_gate, text, [("share_context", 0.9)]) == "safety_sextortion"  # no scores
    message = scored(text, [("share_context", 0.9)], {"none": 0.9, "sextortion": 0.05, "abuse": 0.05})
    (message,) = checked_gate.process([message])
    assert message.get("intent")["name"] == "share_context"
    assert message.get("safety_concern") == "sextortion"


def test_a_pattern_route_the_classifier_bears_out_stands(checked_gate) -> None:
    text = "he filmed us without asking and now he says he'll send the videos to my family"
    message = scored(text, [("share_context", 0.9)], {"none": 0.6, "sextortion": 0.35, "abuse": 0.05})
    (message,) = checked_gate.process([message])
    assert message.get("intent")["name"] == "safety_sextortion"


def test_the_classifiers_route_replaces_a_pattern_route_it_does_not_bear_out(checked_gate) -> None:
    text = "he filmed us without asking and now he says he'll send the videos to my family"
    message = scored(text, [("share_context", 0.9)], {"abuse": 0.8, "sextortion": 0.1, "none": 0.1})
    (message,) = checked_gate.process([message])
    assert message.get("intent")["name"] == "safety_abuse"


def test_a_crisis_pattern_always_stands(checked_gate) -> None:
    text = "been researching overdoses on my phone at night"
    message = scored(text, [("share_context", 0.9)], {"none": 0.99, "crisis": 0.01})
    (message,) = checked_gate.process([message])
    assert message.get("intent")["name"] == "safety_crisis"


def test_a_stated_age_under_18_always_stands(checked_gate) -> None:
    message = scored("im 15 and on the apps every night", [("share_context", 0.9)], {"none": 0.99})
    (message,) = checked_gate.process([message])
    assert message.get("intent")["name"] == "safety_under_18"


def test_the_classifiers_concern_class_is_a_check_in(checked_gate) -> None:
    message = scored(
        "whats even the point anymore", [("share_context", 0.9)], {"concern": 0.7, "none": 0.2, "crisis": 0.1}
    )
    (message,) = checked_gate.process([message])
    assert message.get("intent")["name"] == "share_context"
    assert message.get("safety_concern") == "crisis"
    calm = scored("whats the price", [("not_on_page", 0.9)], {"concern": 0.3, "none": 0.7})
    (calm,) = checked_gate.process([calm])
    assert calm.get("safety_concern") is None


def test_a_denied_crisis_the_classifier_does_not_support_is_a_check_in(checked_gate) -> None:
    text = "Not suicidal, never have been. I'm just frustrated that I keep relapsing."
    unsupported = scored(text, [("share_context", 0.9)], {"none": 0.95, "crisis": 0.05})
    supported = scored(text, [("share_context", 0.9)], {"none": 0.7, "crisis": 0.3})
    checked_gate.process([unsupported, supported])
    assert unsupported.get("intent")["name"] == "share_context"
    assert unsupported.get("safety_concern") == "crisis"
    assert supported.get("intent")["name"] == "safety_crisis"
