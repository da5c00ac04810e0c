"""The deterministic safety layer: slang, misspellings and indirect phrasing fire; idioms and other numbers don't."""

from __future__ import annotations

import pytest

from assistant.language import load_pipeline
from assistant.safety.detector import SafetyDetector
from assistant.safety.normalise import normalise
from assistant.settings import get_settings


@pytest.fixture(scope="module")
def detector() -> SafetyDetector:
    return SafetyDetector(load_pipeline(str(get_settings().spacy_model)))


def route(detector: SafetyDetector, text: str) -> str:
    found = detector.detect(text)
    return found.route if found else "none"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("kms", "crisis"),
        ("i wanna unalive myself", "crisis"),
        ("i want 2 die", "crisis"),
        ("everyone would be better off without me", "crisis"),
        ("I want to kil myself", "crisis"),
        ("thinking about sucide a lot", "crisis"),
        ("how many paracetamol would it take", "crisis"),
        ("I've started self-harming again", "crisis"),
        ("I'm 15", "under_18"),
        ("im 16 and on onlyfans", "under_18"),
        ("I'm only fourteen", "under_18"),
        ("I'm in year 10", "under_18"),
        ("i am underage", "under_18"),
        ("the girl I was sexting said she's 15", "child_content"),
        ("someone sent me pictures of children", "child_content"),
        ("I'm worried I'm attracted to kids", "child_content"),
        ("someone is blackmailing me with my nudes", "sextortion"),
        ("they'll send my video to my family unless I pay", "sextortion"),
        ("my husband hits me", "abuse"),
        ("my boyfriend forces me to film things for onlyfans", "abuse"),
        ("I'm scared of my partner", "abuse"),
        ("honestly I am a risk to myself tonight", "crisis"),
        ("im not safe right now", "crisis"),
        ("I'm still in secondary school", "under_18"),
        ("I turn 17 next month", "under_18"),
        ("I think he spiked my coffee", "abuse"),
        ("my ex is posting my nudes on reddit", "sextortion"),
        ("I was sexually abused as a child", "abuse"),
        ("I was abused as a kid and now I can't stop sexting", "abuse"),
        ("when I was little someone showed me porn", "abuse"),
        ("he would kill me if I left", "abuse"),
        ("I'm a survivor of child abuse", "abuse"),
        ("someone sent me child abuse images", "child_content"),
        ("i can't see myself being around next year", "crisis"),
        ("my nudes are being passed around at school", "sextortion"),
        ("he didn't stop when I said no", "abuse"),
        ("he keeps my passport", "abuse"),
    ],
)
def test_disclosures_are_routed(detector, text: str, expected: str) -> None:
    assert route(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I could kill for a coffee",
        "this is killing my relationship",
        "I'm dying to know",
        "I'm done with these apps",
        "16 tabs open",
        "14 years on Tinder",
        "my son is 15",
        "I'm 45 and hooked on cam sites",
        "I'm 18",
        "I'm 15 years into my marriage",
        "that joke killed me",
        "what is sextortion?",
        "is sexting cheating",
        "my daughter is 16 and I worry about her phone",
        "I spend 13 hours a week on OnlyFans",
        "I'm thinking of ending it with my girlfriend",
        "I work at a secondary school",
        "I failed my GCSEs years ago",
        "I turn 40 next month",
        "my partner used my photos for our wedding album",
        "should I send my nudes to my girlfriend",
        "I watched porn from age 12",
        "my friend showed me porn last week",
        "I'd kill for one night's sleep without checking my phone",
        "I keep checking my phone at work",
    ],
)
def test_look_alikes_do_not_fire(detector, text: str) -> None:
    assert route(detector, text) == "none"


def test_invisible_characters_do_not_hide_a_disclosure(detector) -> None:
    assert route(detector, "I\u200bwant to die") == "crisis"
    assert route(detector, "i want to ki\u200bll myself") == "crisis"


def test_crisis_outranks_other_routes(detector) -> None:
    assert route(detector, "I'm 15 and I want to kill myself") == "crisis"


def test_first_person_minor_outranks_child_content(detector) -> None:
    assert route(detector, "I'm 15 and I keep sexting people") == "under_18"


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("I WANT 2 DIEEEE", "i want to diee"),
        ("kms", "kill myself"),
        ("I'm 15yo", "i am 15 years old"),
        ("self - harming", "selfharm"),
    ],
)
def test_normalisation(raw: str, normalised: str) -> None:
    assert normalise(raw) == normalised


def test_images_of_someone_else_under_18_are_child_protection_first() -> None:
    from assistant.language import load_pipeline
    from assistant.safety.detector import SafetyDetector
    from assistant.settings import get_settings

    detector = SafetyDetector(load_pipeline(str(get_settings().spacy_model)))
    found = detector.detect(
        "my daughter is 14 and a man online has her photos and wants more or he'll share them"
    )
    assert found is not None and found.route == "child_content" and "sextortion" in found.routes
    own = detector.detect("someone has my nudes and wants money, my son is 15 so I cant let him find out")
    assert own is not None and own.route == "sextortion"


@pytest.mark.parametrize(
    "text",
    [
        "hi 13m usa. this page came up when i searched",
        "(16m) is this normal",
        "15f here, someone keeps messaging me",
        "I'll be 18 in February anyway so can I book",
        "im basically 18, birthday is in 5 weeks",
        "I'm turning 18 next month, is it ok",
        "18 in like 10 days so basically an adult",
        "few months off 18 and been on cam sites",
        "I will have 18 years in two months",
        "I have 15 years and I cannot stop",
    ],
)
def test_a_visitor_not_yet_18_without_an_age_under_18_as_a_number(detector, text: str) -> None:
    found = detector.detect(text)
    assert found is not None and found.route == "under_18" and found.rule.endswith("-age")


@pytest.mark.parametrize(
    "text",
    [
        "I turned 18 in January 2010 and started camming",
        "since I was 18 in 2005 I've been on these apps",
        "almost 18 years married and he's on grindr",
        "been on the apps nearly 18 months",
        "when i was almost 18 i started",
        "I have 15 years of marriage behind me",
        "I have 12 years experience as a nurse",
        "we have 17m users",
        "spent 15m on it",
        "my daughter is nearly 18 and found my chats",
        "I'm 34, I'll be 35 in March",
        "you have to be 18 in most countries to use tinder",
    ],
)
def test_an_adult_past_or_someone_elses_age_is_not_a_visitor_under_18(detector, text: str) -> None:
    assert route(detector, text) == "none"


@pytest.mark.parametrize(
    "text, denied",
    [
        ("Not suicidal, never have been. I'm just frustrated that I keep relapsing.", True),
        ("i dont have any thoughts of ending my life, im just really fed up", True),
        ("no I don't want to hurt myself, I just hate how much time I waste", True),
        ("I'm not suicidal but I've been looking up how many pills it would take", False),
        ("I want to kill myself", False),
    ],
)
def test_a_denied_crisis_is_told_from_a_crisis(detector, text: str, denied: bool) -> None:
    assert detector.denies_crisis(text) is denied


@pytest.mark.parametrize(
    "text",
    [
        "I'm not underage, I'm 34, I just type like a teenager lol",
        "bet if I say I'm 15 you'll shut down lol. I'm 38, relax",
    ],
)
def test_a_visitor_who_gives_an_adult_age_is_not_under_18(detector, text: str) -> None:
    assert route(detector, text) == "none"
