"""Text normalisation before the safety patterns run: case, invisible characters, text-speak, misspellings."""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, Sequence, Tuple

# --- normalisation -----------------------------------------------------------

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_REPLACEMENTS: Sequence[Tuple[str, str]] = (
    ("🔪", " knife "),
    ("🩸", " blood "),
    (r"\bi'?m\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\bi\s*am\s*a?\s*(\d+)\s*y/?o\b", r"i am \1 years old"),
    (r"\b(\d+)\s*(?:yo|y/o|yrs? old|yr old|year old|years old)\b", r"\1 years old"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\b(want|going|need|try|trying|about)\s+2\b", r"\1 to"),
    (r"\bu\b", "you"),
    (r"\br\b", "are"),
    (r"\bur\b", "your"),
    (r"\bdont\b", "do not"),
    (r"\bdon't\b", "do not"),
    (r"\bcant\b", "cannot"),
    (r"\bcan't\b", "cannot"),
    (r"\bwont\b", "will not"),
    (r"\bwon't\b", "will not"),
    (r"\b(did|does|is|was|would|could|have|has|are|were|should)n'?t\b", r"\1 not"),
    (r"\bshe's\b", "she is"),
    (r"\bhe's\b", "he is"),
    (r"\bthey're\b", "they are"),
    (r"\bself[\s-]*harm\w*", "selfharm"),
    (r"\bunder[\s-]?(18|eighteen)s?\b", "under18"),
    (r"\byr\b", "year"),
    (r"\b(school|primary school|secondary school)[\s-]age(d)?\b", "schoolage"),
    (r"\bun[\s-]?alive", "unalive"),
    (r"\bmy\s+self\b", "myself"),
    (r"\bsex[\s-]?tape", "sextape"),
)
# Misspellings of the words that matter most, and shorthand.
_WORD_FIXES: Dict[str, str] = {
    "kms": "kill myself",
    "wnat": "want",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "wamt": "want",
    "wnt": "want",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "sucidal": "suicidal",
    "suicidel": "suicidal",
    "suicidle": "suicidal",
    "kil": "kill",
    "killl": "kill",
    "myslef": "myself",
    "mysef": "myself",
    "mself": "myself",
    "overdoes": "overdose",
    "overdos": "overdose",
    "od": "overdose",
    "harmimg": "harming",
    "harmin": "harming",
    "selfharming": "selfharm",
    "blackmale": "blackmail",
    "blackmailling": "blackmailing",
    "sextorted": "sextortion",
    "sextorting": "sextortion",
    "nudez": "nudes",
    "noods": "nudes",
    "pics": "pictures",
    "pic": "picture",
    "vids": "videos",
    "vid": "video",
    "kiddie": "child",
    "kiddies": "children",
    "paedo": "paedophile",
    "pedo": "paedophile",
    "pedophile": "paedophile",
    "underaged": "underage",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
}
NUMBER_WORDS = {
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
}  # fmt: skip


def normalise(text: str, invisible: str = "") -> str:
    """Lower-case, replace invisible characters, expand text-speak, fix key misspellings."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _ZERO_WIDTH.sub(invisible, text).lower().replace("’", "'").replace("‘", "'")
    text = _REPEATS.sub(r"\1\1", text)
    words = re.split(r"(\W+)", text)
    text = "".join(_WORD_FIXES.get(word, word) for word in words)
    for pattern, replacement in _REPLACEMENTS:
        text = re.sub(pattern, replacement, text)
    return re.sub(r"\s+", " ", text).strip()
