"""Reflection themes: labelled answers, negation, casual spelling, odd inputs, focus-area mapping."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import List

import pytest
import yaml

from assistant.evaluation.themes import Answer, evaluate, load_answers, main
from assistant.reflection import THEMES, Theme, ThemeFinder, focus_areas, get_finder
from assistant.reflection.patterns import CUES
from assistant.settings import DEFAULT_KNOWLEDGE, DEFAULT_SPACY_MODEL

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "tests" / "reflection" / "answers.yml"
HELDOUT = ROOT / "tests" / "reflection" / "heldout.yml"
TUNING_ANSWERS = load_answers(ANSWERS)
# Answers in the tuning set the patterns get wrong on purpose: fixing them would need a
# parser or would break simpler cases. They are left out of the exact-match table but still
# count, as misses, in the precision/recall gate over the whole file below.
KNOWN_HARD = {
    "I was going to say lonely but it's not that. I think it's the quiet": "negation refers back across 'but'",
    "I tell myself it's not lying if she never asks": "'not lying' is negated in form, not in meaning",
    "when everyone else seems to have someone and I don't": "loneliness without a loneliness word",
}
MIN_TUNING = 0.95  # micro precision and recall on answers.yml
MIN_HELDOUT = 0.85  # a regression floor on heldout.yml, never a target: do not tune patterns to it


@pytest.fixture(scope="session")
def finder() -> ThemeFinder:
    return get_finder(DEFAULT_SPACY_MODEL)


def _case(answer: Answer) -> object:
    return pytest.param(answer, id=f"{answer.prompt}:{answer.text[:40]}")


# --- the labelled answers -----------------------------------------------------------------


@pytest.mark.parametrize("answer", [_case(a) for a in TUNING_ANSWERS if a.text not in KNOWN_HARD])
def test_labelled_answer_gets_exactly_its_themes(finder: ThemeFinder, answer: Answer) -> None:
    assert sorted(finder.find(answer.text)) == sorted(answer.themes)


def test_known_hard_cases_are_in_the_answers_file() -> None:
    assert set(KNOWN_HARD) <= {answer.text for answer in TUNING_ANSWERS}


@pytest.mark.parametrize("path, minimum", [(ANSWERS, MIN_TUNING), (HELDOUT, MIN_HELDOUT)])
def test_micro_precision_and_recall(finder: ThemeFinder, path: Path, minimum: float) -> None:
    scores, _ = evaluate(finder, load_answers(path))
    assert scores.precision() >= minimum
    assert scores.recall() >= minimum


def test_answer_files_are_big_enough_and_varied() -> None:
    heldout = load_answers(HELDOUT)
    assert len(TUNING_ANSWERS) >= 200 and len(heldout) >= 80
    assert not {a.text for a in TUNING_ANSWERS} & {a.text for a in heldout}
    assert sum(1 for a in TUNING_ANSWERS if not a.themes) >= 20
    assert sum(1 for a in TUNING_ANSWERS if len(a.themes) >= 2) >= 50
    for theme in THEMES:
        assert sum(theme in a.themes for a in TUNING_ANSWERS) >= 5, theme


def test_evaluate_script_exits_non_zero_below_the_minimum() -> None:
    assert main([str(ANSWERS), "--min-precision", "0.5", "--min-recall", "0.5"]) == 0
    assert main([str(ANSWERS), "--min-precision", "1.01"]) == 1
    assert main([str(ANSWERS), "--min-recall", "1.01"]) == 1


# --- negation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I don't feel lonely",
        "not really bored",
        "never at night",
        "no shame",
        "I'm not anxious",
        "i dont feel lonely",
        "im not anxious",
        "Not lonely, not bored, not stressed",
        "neither lonely nor bored",
        "I'm never lonely",
        "I don't think I'm lonely",
        "It's not because I'm lonely",
        "I wouldn't say I'm anxious",
        "I'm no longer lonely",
        "without feeling guilty",
        "no regrets",
        "lonely? not really",
        "I don't hide it",
        "nothing to hide",
        "I don't have a partner",
        "I'm not in a relationship",
        "my sleep is fine",
        "doesn't affect my sleep at all",
        "Trust isn't an issue",
        "not at work",
        "I'm not depressed",
        "I don't want attention",
    ],
)
def test_negated_mentions_are_not_themes(finder: ThemeFinder, text: str) -> None:
    assert finder.find(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm lonely, not bored", ["loneliness"]),
        ("not lonely, just bored", ["boredom"]),
        ("not lonely just bored", ["boredom"]),
        ("I don't feel guilty, more flat", ["mood_energy"]),
        ("I've never felt so lonely", ["loneliness"]),
        ("I don't know why I feel lonely", ["loneliness"]),
        ("I can't stop feeling lonely", ["chasing", "loneliness"]),
        ("Would be nice to not feel so wired", ["body_sensations"]),
        # where the absence is the theme, "can't"/"no"/"don't" affirm it
        ("I can't sleep", ["sleep"]),
        ("when the house goes quiet", ["loneliness"]),
        ("once the flat gets really quiet at night", ["loneliness", "sleep"]),
        ("I don't sleep well", ["sleep"]),
        ("no exercise, no routine", ["exercise", "work_routine"]),
        ("she doesn't trust me", ["partner_trust"]),
        ("my wife doesn't know", ["secrecy", "partner_trust"]),  # same start: THEMES order
        ("nobody knows", ["secrecy"]),
        ("nobody wants me", ["rejection"]),
        ("I don't feel wanted", ["rejection"]),
        ("no one to talk to", ["loneliness"]),
        ("it's never enough", ["chasing"]),
        ("I'm not proud of it", ["shame_after"]),
    ],
)
def test_negation_that_affirms_or_leaves_other_themes(
    finder: ThemeFinder, text: str, expected: List[str]
) -> None:
    assert finder.find(text) == expected


# --- short answers, casual spelling, other senses of theme words ---------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lonely", ["loneliness"]),
        ("bored mostly", ["boredom"]),
        ("work stress", ["work_routine", "anxiety_stress"]),
        ("work", ["work_routine"]),
        ("attention", ["validation"]),
        ("ashamed", ["shame_after"]),
        ("honesty", ["wish_honesty"]),
        ("closeness", ["wish_connection"]),
        ("control", ["wish_choice"]),
        ("LONELY!!!", ["loneliness"]),
        ("Im lonely", ["loneliness"]),
        ("cant sleep", ["sleep"]),
        ("dont really get bored tbh", []),
        ("i feel soooo lonelyyyy and borrred", ["loneliness", "boredom"]),
        ("when im lonley or bored", ["loneliness", "boredom"]),
        ("anxius and cant switch off", ["anxiety_stress"]),
        ("scrollin til 3am", ["chasing", "sleep"]),
        ("my bf doesn't text back", ["partner_trust", "rejection"]),
        ("gonna be honest, I'm knackered", ["body_sensations"]),
        ("and to be honest it's boring", ["boredom"]),
        ("to feel close to someone real and to be honest", ["wish_connection", "wish_honesty"]),
    ],
)
def test_short_and_casual_answers(finder: ThemeFinder, text: str, expected: List[str]) -> None:
    assert finder.find(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "lying in bed on my phone",
        "it's a shame",
        "tired of it all",
        "I live in a flat",
        "I'm in a rush",
        "to be honest I don't know",
        "I don't pay attention to it",
        "not in the mood",
        "high school",
        "after the school run",
        "I open the app",
        "we matched and it went from there",
    ],
)
def test_other_senses_of_theme_words(finder: ThemeFinder, text: str) -> None:
    assert not {"secrecy", "shame_after", "body_sensations", "excitement", "wish_honesty", "validation",
                "mood_energy", "exercise", "loneliness"} & set(finder.find(text))  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "not sure",
        "idk",
        "idk lol",
        "it just happens",
        "nothing really",
        "no idea",
        "dunno tbh",
        "🤷",
        "yes",
        "no",
    ],
)
def test_answers_without_a_theme(finder: ThemeFinder, text: str) -> None:
    assert finder.find(text) == []


# --- odd inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\t  ", "😔😔😔", "🙃 🤷‍♂️ ❤️", "...", "?!", "\u200b\u200b"])
def test_empty_whitespace_and_emoji_only(finder: ThemeFinder, text: str) -> None:
    assert finder.find(text) == []


def test_emoji_around_words(finder: ThemeFinder) -> None:
    assert finder.find("lonely 😔 and bored 🙄") == ["loneliness", "boredom"]


def test_very_long_answer(finder: ThemeFinder) -> None:
    text = "I go online when I'm lonely and bored, and afterwards I feel ashamed. " * 2000
    assert finder.find(text) == ["loneliness", "boredom", "shame_after"]


def test_themes_in_order_of_first_appearance_without_repeats(finder: ThemeFinder) -> None:
    text = "Bored, then lonely, then bored again and lonely and ashamed"
    assert finder.find(text) == ["boredom", "loneliness", "shame_after"]


def test_find_all_merges_answers_in_order(finder: ThemeFinder) -> None:
    answers = ["lonely and bored", "", "bored, and I can't sleep", "I want to be honest with my wife"]
    assert finder.find_all(answers) == [
        "loneliness",
        "boredom",
        "sleep",
        "wish_honesty",
        "partner_trust",
    ]
    assert finder.find_all([]) == []


def test_finder_logs_nothing_of_the_text(finder: ThemeFinder, caplog: pytest.LogCaptureFixture) -> None:
    secret = "my wife has no idea about the OnlyFans account"
    with caplog.at_level(logging.DEBUG):
        finder.find(secret)
    assert "OnlyFans" not in caplog.text


def test_get_finder_is_cached(finder: ThemeFinder) -> None:
    assert get_finder(DEFAULT_SPACY_MODEL) is finder
    assert get_finder(str(DEFAULT_SPACY_MODEL)) is finder


# --- themes and focus areas -----------------------------------------------------------------


def _page_section_ids() -> set[str]:
    page = yaml.safe_load(DEFAULT_KNOWLEDGE.read_text(encoding="utf-8"))
    return {section["id"] for section in page["sections"]}


def test_every_theme_maps_to_a_section_of_the_page() -> None:
    sections = _page_section_ids()
    for theme in THEMES.values():
        assert theme.focus in sections, theme
        assert theme.focus.startswith("focus_") or theme.focus == "erotic_integrity"


def test_every_focus_area_of_the_page_has_a_theme() -> None:
    focus_sections = {s for s in _page_section_ids() if s.startswith("focus_") and s != "focus_areas"}
    assert focus_sections <= {theme.focus for theme in THEMES.values()}


def test_theme_ids_labels_and_cues() -> None:
    for theme_id, theme in THEMES.items():
        assert theme.id == theme_id
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", theme_id)
        assert theme.label and theme.label == theme.label.strip() and len(theme.label) <= 60
        assert theme.label[0].islower(), "labels are used inside a sentence"
        assert CUES.get(theme_id), f"{theme_id} has no patterns"
    assert set(CUES) == set(THEMES)


def test_themes_are_immutable() -> None:
    with pytest.raises(TypeError):
        THEMES["new"] = Theme("new", "new", "focus_dopamine")  # type: ignore[index]
    with pytest.raises(AttributeError):
        THEMES["boredom"].label = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "theme_ids, expected",
    [
        ([], []),
        (["loneliness"], ["focus_attachment"]),
        (["boredom", "loneliness", "chasing", "rejection"], ["focus_dopamine", "focus_attachment"]),
        (["sleep", "secrecy", "anxiety_stress"], ["focus_lifestyle", "focus_relational", "focus_somatic"]),
        (["wish_choice", "wish_honesty", "wish_connection", "wish_presence"],
         ["erotic_integrity", "focus_relational", "focus_somatic"]),
    ],
)  # fmt: skip
def test_focus_areas(theme_ids: List[str], expected: List[str]) -> None:
    assert focus_areas(theme_ids) == expected


def test_focus_areas_of_found_themes(finder: ThemeFinder) -> None:
    found = finder.find_all(["bored and lonely", "I lie to my wife", "I'd like to be honest"])
    assert focus_areas(found) == [
        "focus_dopamine",
        "focus_attachment",
        "focus_relational",
        "erotic_integrity",
    ]


def test_focus_areas_rejects_unknown_ids() -> None:
    with pytest.raises(KeyError):
        focus_areas(["boredom", "not_a_theme"])


@pytest.mark.parametrize(
    "text, absent",
    [
        ("people say you feel empty afterwards but I don't, I feel fine", "shame_after"),
        ("they reckon you get lonely doing this but I'm not", "loneliness"),
        ("single, so there's no one to hide it from", "secrecy"),
        ("I've got nothing to hide from my wife", "secrecy"),
    ],
)
def test_a_theme_the_visitor_takes_back_or_has_no_one_for_is_not_found(
    finder: ThemeFinder, text: str, absent: str
) -> None:
    assert absent not in finder.find(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        ("the gym and proper sleep, talking openly with my wife, seeing my mates", "wish_honesty"),
        ("the gym and proper sleep, talking openly with my wife, seeing my mates", "wish_connection"),
        ("gym, sleep, honesty with my partner and my mates again", "wish_honesty"),
    ],
)
def test_an_answer_to_what_you_want_instead_is_a_wish_as_it_stands(
    finder: ThemeFinder, text: str, theme: str
) -> None:
    """Answers to the "instead" prompt are wishes without a wish word of their own; the same words
    elsewhere describe, and are not wishes."""
    assert theme in finder.find(text, wishing=True)
    assert theme not in finder.find(text)


def test_the_finder_reads_the_instead_prompt_as_wishing() -> None:
    from assistant.reflection.finder import WISHING_PROMPT, find_hits

    text = "the gym and proper sleep, talking openly with my wife, seeing my mates"
    assert WISHING_PROMPT == "instead"
    assert "wish_honesty" in [hit.theme for hit in find_hits(text, "instead")]
    assert "wish_honesty" not in [hit.theme for hit in find_hits(text, "before")]


def test_telling_someone_is_a_wish_only_when_wished() -> None:
    finder = get_finder(DEFAULT_SPACY_MODEL)
    assert "wish_honesty" in finder.find("I'd like to be able to tell him")
    assert "wish_honesty" not in finder.find("I told him last week")
