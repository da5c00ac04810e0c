"""The page knowledge: complete, faithful, in the project's own words, and in sync."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from assistant.knowledge import load_knowledge
from assistant.settings import DEFAULT_KNOWLEDGE
from tests.conftest import ROOT, all_responses, nlu_examples

# The page's text, copied from ../shared/reference/ (tests/unit/data/README.md says when).
PAGE = ROOT / "tests" / "unit" / "data" / "therapist-page.txt"
KNOWLEDGE = load_knowledge(DEFAULT_KNOWLEDGE)
EXPECTED_SECTIONS = {
    "overview",
    "vs_pornography",
    "relationships",
    "not_moral_failure",
    "neuroscience",
    "approaches",
    "focus_areas",
    "focus_dopamine",
    "focus_attachment",
    "focus_somatic",
    "focus_relational",
    "focus_lifestyle",
    "not_addiction",
    "erotic_integrity",
    "process",
    "related_pages",
}


# Proper names may be quoted as they are: therapy methods and page titles.
NAMES = re.compile(
    r"Cognitive Behavioural Therapy|Dialectical Behaviour Therapy|Acceptance and Commitment Therapy|"
    r"Internal Family Systems|Healing Compulsive Sexual Behaviour, Restoring Balance and Desire|"
    r"\((CBT|DBT|ACT|IFS)\)",
)


def strip_names(text: str) -> str:
    return NAMES.sub(" NAME ", text)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9’']+", text.lower().replace("’", "'"))


def test_every_part_of_the_page_has_a_section() -> None:
    assert {s.id for s in KNOWLEDGE.sections} == EXPECTED_SECTIONS


@pytest.mark.parametrize("section", KNOWLEDGE.sections, ids=lambda s: s.id)
def test_section_is_complete_and_short(section) -> None:
    assert section.title and section.heading and section.anchor and section.key_points
    assert re.fullmatch(r"[a-z][a-z0-9-]*", section.anchor)
    assert len(words(section.answer)) <= 90


@pytest.mark.parametrize("section", KNOWLEDGE.sections, ids=lambda s: s.id)
def test_answer_copies_no_sentence_of_the_page(section) -> None:
    """No run of 7 consecutive words of the page appears in an answer (names aside)."""
    page = words(strip_names(PAGE.read_text(encoding="utf-8")))
    page_grams = {tuple(page[i : i + 7]) for i in range(len(page) - 6)}
    answer = words(strip_names(section.answer))
    copied = [
        " ".join(answer[i : i + 7])
        for i in range(len(answer) - 6)
        if tuple(answer[i : i + 7]) in page_grams and "name" not in answer[i : i + 7]
    ]
    assert not copied, copied


INVENTED = re.compile(
    r"£|\$|\bfees?\b|\bcosts?\b|\bprice|\binsur|\bmedicat|\bprescri|\bqualif|\baccredit|"
    r"\bregistered\b|\blondon\b|\bonline sessions\b|\b\d+\s+(sessions|weeks|months)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("section", KNOWLEDGE.sections, ids=lambda s: s.id)
def test_answer_invents_nothing_the_page_does_not_say(section) -> None:
    assert not INVENTED.search(section.answer + " ".join(section.key_points))


def test_generated_responses_are_in_sync() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/build_responses.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_every_section_and_gap_has_a_response() -> None:
    responses = all_responses()
    for section in KNOWLEDGE.sections:
        text = responses[f"utter_faq/{section.id}"][0]["text"]
        assert "From the page: [" in text and f"#{section.anchor})" in text
    for gap in KNOWLEDGE.not_on_page:
        text = responses[f"utter_not_on_page/{gap}"][0]["text"]
        assert "page" in text and "doesn't" in text  # says plainly that the page doesn't say


TRAIN = {
    **nlu_examples(ROOT / "data" / "nlu" / "faq.yml"),
    **nlu_examples(ROOT / "data" / "nlu" / "basics.yml"),
}
HELDOUT = nlu_examples(ROOT / "tests" / "nlu" / "heldout.yml")


@pytest.mark.parametrize("section", sorted(EXPECTED_SECTIONS))
def test_each_section_has_training_and_heldout_phrasings(section) -> None:
    assert len(TRAIN[f"faq/{section}"]) >= 25
    assert len(HELDOUT[f"faq/{section}"]) >= 10


def normalise(text: str) -> str:
    return " ".join(words(text))


def test_heldout_phrasings_are_not_in_the_training_data() -> None:
    train = {normalise(t) for examples in TRAIN.values() for t in examples}
    leaked = [t for examples in HELDOUT.values() for t in examples if normalise(t) in train]
    assert not leaked, leaked


def test_next_question_buttons_are_trained_for_their_section() -> None:
    """Each answer's suggested follow-up question is a training example of some section."""
    trained = {normalise(t) for label, ex in TRAIN.items() if label.startswith("faq/") for t in ex}
    for section in KNOWLEDGE.sections:
        assert normalise(section.next_question) in trained, section.next_question


def test_every_response_is_short() -> None:
    """At most about 120 words, not counting link targets."""
    for name, variants in all_responses().items():
        for variant in variants:
            text = re.sub(r"\]\([^)]*\)", "]", variant.get("text", ""))
            assert len(text.split()) <= 120, name


def test_every_page_answer_ends_with_a_next_step() -> None:
    for name, variants in all_responses().items():
        if name.startswith("utter_faq/"):
            titles = [b["title"] for b in variants[0]["buttons"]]
            assert "Get in touch" in titles and "Show me the topics" in titles
            assert variants[0]["text"].rstrip().endswith("get in touch with {therapist}.")
