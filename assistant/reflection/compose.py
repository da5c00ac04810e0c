"""The reflection's words: an acknowledgement of one answer, and the summary at the end.

Pure functions over theme hits (``assistant.reflection.themes.ThemeHit``) and theme ids;
no spaCy, no Rasa, no I/O. The actions (``actions/reflection.py``) send what these
return through domain responses whose names the tracker store redacts.

- An acknowledgement names at most the two strongest themes of one answer, in a
  sentence, mirroring a short phrase of the visitor's own when one could be taken
  (that phrase lives only for the turn).
- Between turns only ``theme`` or ``theme|cue`` entries are carried, one per answer a theme
  came up in; a cue is made only of the patterns' own words ("sunday nights").
- The summary names the three to five themes that came up most, grouped under the focus
  area of the page each belongs to, with what therapy does there. It can only name a
  theme that an entry records, so every theme in it was found in the answers.

Wording: plain, warm, never a label or a diagnosis (checked by tests/unit/test_reflection_compose.py
with the response-wording lint of tests/unit/test_safety_responses.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Sequence, Tuple

from assistant.reflection.themes import THEMES, ThemeHit

MAX_ACK_THEMES = 2
MIN_SUMMARY_THEMES = 3
MAX_SUMMARY_THEMES = 5

# How each theme reads inside "it sounds like ...".
ACK: Mapping[str, str] = {
    "loneliness": "loneliness is part of it",
    "rejection": "feeling rejected or not good enough comes into it",
    "validation": "feeling wanted and noticed matters here",
    "boredom": "boredom plays a part",
    "excitement": "the rush and the newness are part of the pull",
    "chasing": "there's a pull to keep going that never quite feels like enough",
    "shame_after": "what comes afterwards is hard, something like shame or emptiness",
    "anxiety_stress": "stress or worry is part of it",
    "escape_soothing": "it offers a way to get away from, or soothe, difficult feelings",
    "body_sensations": "your body is feeling it too",
    "secrecy": "keeping it to yourself is part of the picture",
    "partner_trust": "it touches your relationship",
    "sleep": "sleep and late nights come into it",
    "exercise": "moving and being active come into it",
    "mood_energy": "your mood or energy is low at times",
    "work_routine": "the rhythm of your days and weeks plays a part",
    "wish_choice": "you'd like more choice and control",
    "wish_honesty": "you'd like to be more honest and open",
    "wish_connection": "you'd like real closeness and connection",
    "wish_presence": "you'd like to be more present",
}
# The same theme as a short name for the summary ("**Feeling lonely** ...").
NAMES: Mapping[str, str] = {
    "loneliness": "feeling lonely",
    "rejection": "feeling rejected or not good enough",
    "validation": "wanting to feel wanted and noticed",
    "boredom": "boredom",
    "excitement": "the rush of something new",
    "chasing": "the pull to keep going",
    "shame_after": "how you feel afterwards",
    "anxiety_stress": "stress and worry",
    "escape_soothing": "getting away from difficult feelings",
    "body_sensations": "how your body feels",
    "secrecy": "keeping it to yourself",
    "partner_trust": "your relationship",
    "sleep": "sleep and late nights",
    "exercise": "moving and being active",
    "mood_energy": "low mood or energy",
    "work_routine": "when it happens in your day or week",
    "wish_choice": "more choice and control",
    "wish_honesty": "being honest and open",
    "wish_connection": "real closeness",
    "wish_presence": "being more present",
}
# Each focus area of the page: its name there, and what therapy does with it.
FOCUS: Mapping[str, Tuple[str, str]] = {
    "focus_attachment": (
        "Attachment awareness",
        "therapy looks at how loneliness, rejection and the longing to feel wanted can draw you "
        "online, and at building closeness that feels safer and more real.",
    ),
    "focus_dopamine": (
        "Digital dopamine recalibration",
        "therapy helps you understand the chase for the next notification, match or message, and "
        "gently resets how your brain responds to it.",
    ),
    "focus_somatic": (
        "Somatic reconnection",
        "therapy works with how stress, tension and restlessness show up in your body, so you have "
        "other ways to settle than going online.",
    ),
    "focus_relational": (
        "Relational restoration",
        "therapy makes room for secrecy and its effect on a partner, and for rebuilding honesty and "
        "trust at a pace that feels safe.",
    ),
    "focus_lifestyle": (
        "Lifestyle synchronisation",
        "therapy pays attention to sleep, movement, mood and the shape of your days, because a "
        "steadier rhythm makes the pull easier to notice.",
    ),
    "erotic_integrity": (
        "Restoring erotic integrity",
        "the page talks about making choices that fit your values, with honesty and real presence.",
    ),
}
# Themes each prompt asks about: on a tie in strength, these are acknowledged first.
PROMPT_THEMES: Mapping[str, Sequence[str]] = {
    "before": (
        "loneliness",
        "rejection",
        "boredom",
        "anxiety_stress",
        "mood_energy",
        "sleep",
        "work_routine",
    ),
    "gives": ("validation", "excitement", "escape_soothing", "loneliness"),
    "after": ("shame_after", "chasing", "excitement", "body_sensations", "escape_soothing"),
    "secrecy": ("secrecy", "partner_trust"),
    "body": ("sleep", "exercise", "mood_energy", "body_sensations", "anxiety_stress"),
    "instead": ("wish_connection", "wish_honesty", "wish_choice", "wish_presence"),
}


def strongest(hits: Sequence[ThemeHit], prompt: str = "", limit: int = MAX_ACK_THEMES) -> List[ThemeHit]:
    """The ``limit`` strongest themes of one answer: most cues, then the prompt's own, then first said."""
    preferred = PROMPT_THEMES.get(prompt, ())
    known = [hit for hit in hits if hit.theme in THEMES]
    ranked = sorted(
        known,
        key=lambda h: (
            -h.count,
            preferred.index(h.theme) if h.theme in preferred else len(preferred),
            h.first,
        ),
    )
    return ranked[:limit]


def _clause(hit: ThemeHit) -> str:
    return ACK[hit.theme]


def acknowledgement(hits: Sequence[ThemeHit], prompt: str = "") -> str:
    """One or two sentences naming the strongest themes of an answer, or '' if it has none.

    "When you say “lonely on Sunday nights”, it sounds like loneliness is part of it, and the
    rhythm of your days and weeks plays a part too."
    """
    chosen = strongest(hits, prompt)
    if not chosen:
        return ""
    first = chosen[0]
    if first.quote:
        sentence = f"When you say “{first.quote}”, it sounds like {_clause(first)}"
    else:
        sentence = f"It sounds like {_clause(first)}"
    if len(chosen) == 1:
        return sentence + "."
    second = chosen[1]
    if second.quote and second.quote != first.quote and second.quote not in first.quote:
        return f"{sentence}. And “{second.quote}” sounds like {_clause(second)}."
    return f"{sentence}, and {_clause(second)}."


def entries(hits: Iterable[ThemeHit]) -> List[str]:
    """What one answer adds to the running list: ``theme`` or ``theme|cue``, once per theme."""
    out: List[str] = []
    for hit in hits:
        if hit.theme in THEMES and all(not e.startswith(hit.theme + "|") and e != hit.theme for e in out):
            out.append(f"{hit.theme}|{hit.cue}" if hit.cue else hit.theme)
    return out


@dataclass(frozen=True)
class SummaryTheme:
    """A theme for the summary: how many answers it came up in, and a cue in the visitor's words."""

    theme: str
    answers: int
    cue: str


def parse_entries(items: Iterable[object]) -> List[SummaryTheme]:
    """The themes recorded across answers, most frequent first (then first said); unknown ids dropped."""
    counts: Counter = Counter()
    cues: Dict[str, Counter] = {}
    order: Dict[str, int] = {}
    for item in items:
        if not isinstance(item, str):
            continue
        theme, _, cue = item.partition("|")
        if theme not in THEMES:
            continue
        counts[theme] += 1
        order.setdefault(theme, len(order))
        if cue and "|" not in cue:
            cues.setdefault(theme, Counter())[cue] += 1
    ranked = sorted(counts, key=lambda t: (-counts[t], order[t]))
    return [SummaryTheme(t, counts[t], _best_cue(cues.get(t))) for t in ranked]


def _best_cue(cues: Counter | None) -> str:
    """The cue said most often, then the longest ("girlfriend" over "row")."""
    if not cues:
        return ""
    return max(cues, key=lambda cue: (cues[cue], len(cue)))


def summary_themes(items: Iterable[object]) -> List[SummaryTheme]:
    """The three to five themes that came up most (fewer only if fewer were found).

    Themes from two or more answers come first; up to five of them, topped up to three with
    the next most frequent.
    """
    ranked = parse_entries(items)
    repeated = sum(1 for t in ranked if t.answers > 1)
    size = max(MIN_SUMMARY_THEMES, min(MAX_SUMMARY_THEMES, repeated))
    return ranked[:size]


# Cues are kept as the finder reads them ("does not", "i am"); shown as people type them.
_CONTRACTIONS = (
    (re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should)\s+not\b"), r"\1n't"),
    (re.compile(r"\bcan\s+not\b"), "can't"),
    (re.compile(r"\bwill\s+not\b"), "won't"),
    (re.compile(r"\bi\s+am\b"), "I'm"),
    (re.compile(r"\bi\b"), "I"),
)


def spoken(cue: str) -> str:
    """A cue as a person would type it: "girlfriend does not know" -> "girlfriend doesn't know"."""
    for pattern, replacement in _CONTRACTIONS:
        cue = pattern.sub(replacement, cue)
    return cue


def _theme_phrase(item: SummaryTheme) -> str:
    name = NAMES[item.theme]
    if item.cue and item.cue not in name:
        return f"{name} (“{spoken(item.cue)}”)"
    return name


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_lines(items: Iterable[object]) -> Tuple[str, List[str]]:
    """The summary's lines, one per focus area (in order of its strongest theme), and those areas.

    "- **Attachment awareness:** feeling lonely (“on my own”). Here therapy looks at ..."
    """
    chosen = summary_themes(items)
    areas: List[str] = []
    grouped: Dict[str, List[SummaryTheme]] = {}
    for item in chosen:
        area = THEMES[item.theme].focus
        if area not in grouped:
            areas.append(area)
        grouped.setdefault(area, []).append(item)
    lines = []
    for area in areas:
        title, work = FOCUS[area]
        said = _join([_theme_phrase(item) for item in grouped[area]])
        lines.append(f"- **{title}:** {said}. Here {work}")
    return "\n".join(lines), areas


def named_themes(items: Iterable[object]) -> List[str]:
    """The theme ids a summary of ``items`` names (for the check against the answers)."""
    return [item.theme for item in summary_themes(items)]
