"""Guided self-reflection: themes found in the visitor's own answers, mapped to the page's focus areas."""

from assistant.reflection.themes import THEMES, Theme, ThemeFinder, ThemeHit, focus_areas, get_finder

__all__ = ["THEMES", "Theme", "ThemeFinder", "ThemeHit", "focus_areas", "get_finder"]
