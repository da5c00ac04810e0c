"""The reflection's acknowledgements and summary: what is said, how much, and only what was found."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from assistant.reflection import THEMES, ThemeFinder, get_finder
from assistant.reflection.compose import (
    ACK,
    FOCUS,
    MAX_SUMMARY_THEMES,
    NAMES,
    PROMPT_THEMES,
    acknowledgement,
    entries,
    named_themes,
    parse_entries,
    strongest,
    summary_lines,
    summary_themes,
)
from assistant.reflection.themes import ThemeHit
from assistant.settings import DEFAULT_SPACY_MODEL
from tests.unit.test_safety_responses import BANNED, NOT_A_DIAGNOSIS

ROOT = Path(__file__).resolve().parents[2]
DIAGNOSIS = re.compile(r"\b(disorder|diagnos(is|e)|risk level|high risk|low risk|you are an?)\b", re.I)


@pytest.fixture(scope="module")
def finder() -> ThemeFinder:
    return get_finder(str(DEFAULT_SPACY_MODEL))


def hit(theme: str, count: int = 1, first: int = 0, quote: str = "", cue: str = "") -> ThemeHit:
    return ThemeHit(theme, count, first, quote, cue)


def assert_kind_words(text: str) -> None:
    """The response-wording lint (tests/unit/test_safety_responses.py) applied to composed text."""
    assert not BANNED.search(text), text
    assert not DIAGNOSIS.search(NOT_A_DIAGNOSIS.sub("", text)), text


# --- acknowledgements ----------------------------------------------------------------------


def test_one_theme_is_acknowledged_in_a_sentence_with_the_visitors_phrase() -> None:
    text = acknowledgement([hit("loneliness", quote="lonely on Sunday nights")], "before")
    assert text == "When you say “lonely on Sunday nights”, it sounds like loneliness is part of it."


def test_without_a_phrase_the_theme_is_named_in_plain_words() -> None:
    assert acknowledgement([hit("sleep")], "body") == "It sounds like sleep and late nights come into it."


def test_at_most_two_themes_the_strongest_first() -> None:
    hits = [
        hit("sleep", 1, 0, "late at night"),
        hit("loneliness", 2, 5, "lonely"),
        hit("work_routine", 1, 8, "sunday nights"),
        hit("partner_trust", 1, 12, "a row with my girlfriend"),
    ]
    chosen = strongest(hits, "before")
    assert [h.theme for h in chosen] == ["loneliness", "sleep"]  # most cues, then the prompt's own
    text = acknowledgement(hits, "before")
    assert text.count("sounds like") == 2
    assert "girlfriend" not in text and "sunday" not in text
    assert text.index("lonely") < text.index("late at night")


def test_a_tie_goes_to_the_theme_the_prompt_asks_about() -> None:
    hits = [hit("partner_trust", first=0), hit("secrecy", first=4)]
    assert strongest(hits, "secrecy")[0].theme == "secrecy"
    assert strongest(hits, "")[0].theme == "partner_trust"  # no prompt: first said


def test_a_second_phrase_inside_the_first_is_not_repeated() -> None:
    text = acknowledgement(
        [hit("secrecy", quote="girlfriend doesn't know"), hit("partner_trust", quote="girlfriend")]
    )
    assert text.count("“") == 1 and text.endswith("and it touches your relationship.")


def test_no_themes_no_acknowledgement() -> None:
    assert acknowledgement([], "gives") == ""
    assert acknowledgement([hit("not_a_theme")], "gives") == ""


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_acknowledgement_and_summary_line_is_kind_and_never_a_label(theme: str) -> None:
    for quote in ("", "a phrase"):
        for other in ("", "boredom"):
            hits = [hit(theme, 2, 0, quote)] + ([hit(other, 1, 3, "")] if other and other != theme else [])
            assert_kind_words(acknowledgement(hits, ""))
    lines, _ = summary_lines([theme, f"{theme}|cue words"])
    assert_kind_words(lines)


def test_wording_tables_cover_every_theme_and_area() -> None:
    assert set(ACK) == set(THEMES) == set(NAMES)
    assert {t.focus for t in THEMES.values()} <= set(FOCUS)
    assert all(t in THEMES for themes in PROMPT_THEMES.values() for t in themes)
    # no theme's summary name contains another's, so a name in the text points to one theme
    for a in NAMES.values():
        assert [b for b in NAMES.values() if a in b] == [a]


# --- what is carried between turns ----------------------------------------------------------


def test_entries_carry_ids_and_pattern_words_never_the_quote() -> None:
    carried = entries(
        [hit("loneliness", quote="so lonely on sundays", cue="lonely"), hit("sleep", quote="late")]
    )
    assert carried == ["loneliness|lonely", "sleep"]
    assert "sundays" not in str(carried)


def test_the_finder_keeps_only_pattern_words_as_a_cue(finder: ThemeFinder) -> None:
    [found] = [h for h in finder.find_hits("Zebedee is lonely on Sunday nights") if h.theme == "loneliness"]
    assert found.cue == "lonely" and "zebedee" not in found.cue.lower()
    assert found.quote == "lonely on Sunday nights"


@pytest.mark.parametrize(
    "text",
    ["my porn addiction makes me lonely", "lonely {therapist} nights", "I feel lonely, like a pervert"],
)
def test_a_quote_never_echoes_a_label_or_markup(finder: ThemeFinder, text: str) -> None:
    for found in finder.find_hits(text):
        assert not re.search(r"addict|porn|pervert|[{}]", found.quote, re.I), found.quote


# --- the summary ----------------------------------------------------------------------------


def test_the_summary_names_three_to_five_themes_most_frequent_first() -> None:
    carried = ["boredom", "loneliness", "sleep", "loneliness", "secrecy", "sleep", "excitement", "validation"]
    assert named_themes(carried)[:2] == ["loneliness", "sleep"]
    assert len(named_themes(carried)) == 3  # two repeated, topped up to three
    many = [t for t in THEMES][:8] * 2
    assert len(named_themes(many)) == MAX_SUMMARY_THEMES
    assert named_themes(["boredom"]) == ["boredom"]
    assert named_themes([]) == []


def test_the_summary_groups_themes_by_focus_area_in_the_visitors_words() -> None:
    lines, areas = summary_lines(["loneliness|on my own", "sleep", "loneliness", "validation|feel wanted"])
    assert areas == ["focus_attachment", "focus_lifestyle"]
    first, second = lines.split("\n")
    assert first.startswith(
        "- **Attachment awareness:** feeling lonely (“on my own”) and wanting to feel wanted"
    )
    assert "“feel wanted”" not in first  # a cue the name already says is not repeated
    assert "therapy looks at" in first
    assert second.startswith("- **Lifestyle synchronisation:** sleep and late nights.")


def test_unknown_or_malformed_entries_are_ignored() -> None:
    assert [t.theme for t in parse_entries(["nope", 3, None, "sleep|x|y", "|cue"])] == ["sleep"]


def named_in_text(text: str) -> List[str]:
    return [theme for theme, name in NAMES.items() if name.lower() in text.lower()]


def _reflections(path: Path) -> List[List[Dict]]:
    answers = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    by_prompt: Dict[str, List[Dict]] = {}
    for answer in answers:
        by_prompt.setdefault(answer.get("prompt", ""), []).append(answer)
    size = max(len(group) for group in by_prompt.values())
    return [[g[n] for g in by_prompt.values() if n < len(g)] for n in range(size)]


@pytest.mark.parametrize("name", ["answers.yml", "heldout.yml"])
def test_every_summary_theme_is_in_the_answers(finder: ThemeFinder, name: str) -> None:
    """Each labelled file read as reflections: a summary names a theme only if an answer contains it."""
    checked = 0
    for group in _reflections(ROOT / "tests" / "reflection" / name):
        carried: List[str] = []
        found: set = set()
        for answer in group:
            hits = finder.find_hits(answer["text"])
            carried += entries(hits)
            found |= {h.theme for h in hits}
        labelled = {theme for answer in group for theme in answer.get("themes") or ()}
        lines, _ = summary_lines(carried)
        named = set(named_themes(carried))
        assert named <= found, (named, found)  # found by the finder in these answers
        assert named <= labelled, (named - labelled, [a["text"] for a in group])  # and really there
        assert set(named_in_text(lines)) == named  # the text names those and no others
        assert_kind_words(lines)
        checked += len(named)
    assert checked > 40


def test_summary_themes_are_a_prefix_of_the_ranking() -> None:
    carried = ["sleep", "boredom", "sleep", "secrecy", "boredom", "sleep"]
    ranked = [t.theme for t in parse_entries(carried)]
    assert [t.theme for t in summary_themes(carried)] == ranked[: len(summary_themes(carried))]
    assert ranked == ["sleep", "boredom", "secrecy"]


@pytest.mark.parametrize(
    "cue, expected",
    [("girlfriend does not know", "girlfriend doesn't know"), ("can not stop", "can't stop"),
     ("i am alone", "I'm alone"), ("lonely", "lonely")],
)  # fmt: skip
def test_cues_are_shown_as_people_type_them(cue: str, expected: str) -> None:
    from assistant.reflection.compose import spoken

    assert spoken(cue) == expected
