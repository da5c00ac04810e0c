"""Name what a visitor asked about that the page doesn't mention: a method, or a group of people.

"The page doesn't mention hypnotherapy" is honest and shows the question was heard;
"that approach" is the fallback when the method isn't one listed here. Only these
names are ever put into a reply, never the visitor's own words.
"""

from __future__ import annotations

import re
from typing import Sequence, Tuple

Names = Sequence[Tuple[str, str]]

# (pattern, the name used in the reply). Methods the page does not name.
METHODS: Names = (
    (r"hypno\w*", "hypnotherapy"),
    (r"emdr", "EMDR"),
    (
        r"(?:12|twelve)[- ]?steps?|\bsaa\b|\bslaa\b|sex(?:aholics|ual compulsives)? anonymous|sa meetings?",
        "12-step programmes",
    ),
    (r"group (?:therapy|sessions?|work)|support groups?", "group therapy"),
    (r"mindfulness|meditat\w*", "mindfulness or meditation"),
    (r"\bnlp\b|neuro[- ]?linguistic", "NLP"),
    (r"schema therapy", "schema therapy"),
    (r"\beft\b|emotionally focused|tapping", "EFT"),
    (r"gottman", "the Gottman method"),
    (r"psychoanaly\w*", "psychoanalysis"),
    (
        r"(?:app |website |porn |content )?block(?:er|ers|ing apps?)|covenant eyes|accountability software|screen ?time limits?",
        "blocking apps",
    ),
    (r"journal(?:ing|ling)?", "journalling"),
    (r"yoga", "yoga"),
    (r"art therapy|music therapy", "creative therapies"),
    (r"dopamine (?:fast|detox)\w*|nofap|no fap|semen retention", "dopamine detoxes or NoFap"),
    (r"retreats?|residential|rehab", "residential programmes or retreats"),
    (r"ketamine|psychedelic\w*|psilocybin", "psychedelic therapy"),
    (r"coaching|life coach", "coaching"),
)

# Groups of people the page does not mention.
GROUPS: Names = (
    (r"\bwom[ae]n\b|\bfemales?\b|\bgirls?\b|\bladies\b", "women"),
    (r"\bgay\b|\blesbian\b|\bbi(?:sexual)?\b|\blgbt\w*|\bqueer\b|\bmsm\b", "LGBTQ+ people"),
    (r"\btrans\b|transgender|non[- ]?binary", "trans or non-binary people"),
    (r"adhd|autis\w*|neurodiverg\w*|asperger\w*", "neurodivergent people"),
    (r"christian|muslim|jewish|religio\w*|church|faith", "people of faith"),
    (
        r"sex workers?|creators?|cam (?:girls?|models?)|content creators?|onlyfans creators?",
        "people who work in the industry",
    ),
    (r"open relationships?|poly\w*|non[- ]?monogam\w*|swingers?", "open or non-monogamous relationships"),
    (r"older|elderly|retired|pensioners?|over (?:50|60|70)", "older people"),
    (r"veterans?|military|forces", "veterans"),
    (r"disab\w*|wheelchair", "disabled people"),
    (r"students?|uni(?:versity)?\b", "students"),
)

_COMPILED = {
    id(table): [(re.compile(pattern, re.IGNORECASE), name) for pattern, name in table]
    for table in (METHODS, GROUPS)
}


def named(text: str, table: Names, default: str) -> str:
    """The reply's name for the first entry of ``table`` found in ``text``, else ``default``."""
    for pattern, name in _COMPILED[id(table)]:
        if pattern.search(text or ""):
            return name
    return default


def asked_method(text: str) -> str:
    return named(text, METHODS, "that approach")


def asked_group(text: str) -> str:
    return named(text, GROUPS, "a particular group of people")
