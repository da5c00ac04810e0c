"""A short phrase of the visitor's own answer around a theme's cue, to mirror back in the same turn.

The theme finder reads a normalised copy of the answer ("i am", "can not", typos fixed);
an acknowledgement should echo what the visitor actually typed. ``quote_of`` widens the
cue to its clause (a few words either side, never past punctuation or a joining word),
then finds that stretch in the original text by its first and last words. When it can't
be found, or it would be long, or it carries words the assistant must never echo as a
label, there is no quote and the acknowledgement names the theme in plain words instead.

The phrase lives only for the turn: nothing here stores or logs it.
"""

from __future__ import annotations

import re
from typing import List

from spacy.tokens import Doc

MAX_WORDS = 7
MAX_CHARS = 60
# Words that end a clause: the quote never runs past them.
_STOP = frozenset(
    {
        "and", "but", "or", "so", "because", "cos", "when", "whenever", "while", "if", "then",
        "after", "before", "until", "till", "though", "although", "which", "that", "like",
        "as", "where", "since", "unless", "also",
    }
)  # fmt: skip
# Words the quote may take in on the left of the cue ("a bit lonely", "really stressed").
_LEFT = frozenset(
    {
        "so", "really", "very", "quite", "pretty", "bit", "a", "little", "kind", "sort", "of",
        "totally", "completely", "super", "just", "always", "feel", "feeling", "felt", "get",
        "getting", "got", "too", "more", "less", "fully", "properly", "constantly", "my", "the", "late",
    }
)  # fmt: skip
# Labels the assistant never hands back, even in the visitor's own words (tests/unit lint).
_NEVER_ECHO = re.compile(
    r"\b(addict\w*|relapse\w*|clean|streak|disgusting|sinful|pervert\w*|disorder|diagnos\w*|sick|"
    r"fuck\w*|shit\w*|cunt\w*|porn\w*|sex\w*|nude\w*|naked|dick\w*|cock\w*|wank\w*|cum\w*|horny)\b",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 '’,-]*$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def _window(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The cue widened within its clause: up to three words left (from ``_LEFT``), three right."""
    left = start
    while left > 0 and start - left < 3:
        token = doc[left - 1]
        if token.is_punct or token.is_sent_end or token.lower_ not in _LEFT:
            break
        left -= 1
    right = end
    while right < len(doc) and right - end < 3 and right - left < MAX_WORDS:
        token = doc[right]
        if token.is_punct or token.is_sent_start or token.lower_ in _STOP or token.like_num:
            break
        right += 1
    while left < start and doc[left].lower_ in {"a", "my", "the", "of"}:
        left += 1  # never begin on a bare article or "of"
    while right > end and doc[right - 1].lower_ in {"a", "my", "the", "of", "to", "with", "on", "at", "in"}:
        right -= 1  # nor end on one
    return left, right


def _locate(words: List[str], original: str) -> str:
    """The stretch of ``original`` from the first to the last of ``words`` (case-insensitive), or ''."""
    found = list(_WORD.finditer(original))
    lowered = [m.group(0).lower().replace("’", "'") for m in found]
    first, last = words[0], words[-1]
    for i, word in enumerate(lowered):
        if word != first:
            continue
        for j in range(i, min(i + MAX_WORDS + 2, len(lowered))):
            if lowered[j] == last:
                return original[found[i].start() : found[j].end()]
    return ""


def quote_of(doc: Doc, start: int, end: int, original: str) -> str:
    """A short phrase of ``original`` around the cue ``doc[start:end]``, or '' if none fits."""
    left, right = _window(doc, start, end)
    words = [t.lower_ for t in doc[left:right] if not t.is_punct]
    if not words:
        return ""
    phrase = _locate(words, original)
    if not phrase and (left, right) != (start, end):
        words = [t.lower_ for t in doc[start:end] if not t.is_punct]
        phrase = _locate(words, original) if words else ""
    phrase = " ".join(phrase.split())
    if not phrase or len(phrase) > MAX_CHARS or len(phrase.split()) > MAX_WORDS or _NEVER_ECHO.search(phrase):
        return ""
    if not _PLAIN.match(phrase):
        return ""  # only words, spaces, apostrophes, hyphens and commas are echoed
    if phrase[0].isupper() and not re.match(r"I\b|I'", phrase):
        phrase = phrase[0].lower() + phrase[1:]
    return phrase
