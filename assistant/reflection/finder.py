"""Service layer for theme extraction: the spaCy pipeline and the patterns load once, lazily."""

from __future__ import annotations

from typing import Iterable, List

from assistant.reflection import themes as theme_patterns
from assistant.reflection.themes import ThemeHit
from assistant.settings import get_settings

# The reflection's prompt that asks what the visitor wants: its answers are wishes as they stand.
WISHING_PROMPT = "instead"


def find_hits(text: str, prompt: str = "") -> List[ThemeHit]:
    """The themes of one answer (to ``prompt``, e.g. "before") with their strength and a short
    phrase around each (for this turn only)."""
    if not text.strip():
        return []
    finder = theme_patterns.get_finder(str(get_settings().spacy_model))
    return finder.find_hits(text, wishing=prompt == WISHING_PROMPT)


def find_themes(text: str) -> List[str]:
    """Theme ids found in one answer, in order of first appearance."""
    if not text.strip():
        return []
    return theme_patterns.get_finder(str(get_settings().spacy_model)).find(text)


def theme_labels(theme_ids: Iterable[str]) -> List[str]:
    """Plain-English labels for theme ids (unknown ids are dropped)."""
    return [theme_patterns.THEMES[t].label for t in theme_ids if t in theme_patterns.THEMES]


def focus_areas(theme_ids: Iterable[str]) -> List[str]:
    """The page's focus areas (section ids) for these themes, in order, without repeats."""
    return theme_patterns.focus_areas([t for t in theme_ids if t in theme_patterns.THEMES])
