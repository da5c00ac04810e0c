"""Themes in a visitor's reflection answers, and the page's focus areas they map to.

At the end of the guided self-reflection the assistant names the themes found in the
visitor's own answers ("feeling lonely or alone", "boredom") and the therapy focus areas
of the page they relate to. This is a mirror of their words, never a diagnosis.

Detection is deterministic: the answer is normalised (case, contractions, text-speak,
stretched words, common typos), run through the offline spaCy pipeline, and matched
with a ``PhraseMatcher`` on lemmas and token ``Matcher`` patterns per theme
(``assistant.reflection.patterns``). A negated mention ("I don't feel lonely", "no
shame", "never at night") does not count (``assistant.reflection.polarity``). Nothing
is logged: the visitor's text stays in memory for the call only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Dict, Iterable, List, Mapping, Set, Tuple

from spacy.language import Language
from spacy.lookups import Table
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from assistant.language import load_pipeline
from assistant.reflection.normalise import normalise
from assistant.reflection.patterns import CUES, EXCLUDE, Mode, Pattern
from assistant.reflection.polarity import affirmed
from assistant.reflection.quotes import quote_of


@dataclass(frozen=True)
class Theme:
    """A theme the reflection can name, and the page section (focus area) it maps to.

    ``label`` is a short plain-English phrase that reads inside a sentence:
    "You mentioned feeling lonely or alone and boredom."
    """

    id: str
    label: str
    focus: str


_ALL_THEMES: Tuple[Theme, ...] = (
    # Attachment awareness: loneliness and rejection sensitivity driving online intimacy.
    Theme("loneliness", "feeling lonely or alone", "focus_attachment"),
    Theme("rejection", "feeling rejected or not good enough", "focus_attachment"),
    Theme("validation", "wanting to feel wanted and noticed", "focus_attachment"),
    # Digital dopamine recalibration: novelty, seeking without satisfaction.
    Theme("boredom", "boredom", "focus_dopamine"),
    Theme("excitement", "the rush of excitement and novelty", "focus_dopamine"),
    Theme("chasing", "the chase that never feels like enough", "focus_dopamine"),
    Theme("shame_after", "shame or emptiness afterwards", "focus_dopamine"),
    # Somatic reconnection: the body managing anxiety through stimulation.
    Theme("anxiety_stress", "anxiety and stress", "focus_somatic"),
    Theme("escape_soothing", "escaping or soothing difficult feelings", "focus_somatic"),
    Theme("body_sensations", "how your body feels, such as restless or drained", "focus_somatic"),
    # Relational restoration: trust and openness after secrecy or disconnection.
    Theme("secrecy", "secrecy and hiding", "focus_relational"),
    Theme("partner_trust", "your relationship, trust and intimacy", "focus_relational"),
    # Lifestyle synchronisation: sleep, exercise, emotional rhythm, mood.
    Theme("sleep", "sleep and late nights", "focus_lifestyle"),
    Theme("exercise", "exercise and movement", "focus_lifestyle"),
    Theme("mood_energy", "low mood or energy", "focus_lifestyle"),
    Theme("work_routine", "the time of day or week, and work", "focus_lifestyle"),
    # Wishes: what the visitor would like instead.
    Theme("wish_choice", "having more choice and control", "erotic_integrity"),
    Theme("wish_honesty", "being honest and open", "erotic_integrity"),
    Theme("wish_connection", "real closeness and connection", "focus_relational"),
    Theme("wish_presence", "being more present", "focus_somatic"),
)
THEMES: Mapping[str, Theme] = MappingProxyType({theme.id: theme for theme in _ALL_THEMES})
_ORDER: Dict[str, int] = {theme_id: n for n, theme_id in enumerate(THEMES)}
MAX_CHARS = 10_000  # a longer answer is read up to here, which keeps one call well under 200 ms


def focus_areas(theme_ids: Iterable[str]) -> List[str]:
    """The focus-area section ids for ``theme_ids``, in order of first appearance, without repeats.

    Raises ``KeyError`` for an id that is not in ``THEMES``.
    """
    areas: List[str] = []
    for theme_id in theme_ids:
        focus = THEMES[theme_id].focus
        if focus not in areas:
            areas.append(focus)
    return areas


@dataclass(frozen=True)
class ThemeHit:
    """A theme found in one answer: how many of its cues were affirmed, and where the first was.

    ``quote`` is a short phrase of the answer around the first cue, in the visitor's own
    words, for the acknowledgement of that same turn (never stored). ``cue`` is the matched
    cue when all its words are words of the patterns (``"sunday nights"``), else ``""``.
    """

    theme: str
    count: int
    first: int
    quote: str = ""
    cue: str = ""


# Words a cue may contain besides the patterns' own (a cue made only of these is dropped).
_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "my", "on", "at", "in", "of", "to", "i", "me", "and", "with", "for", "about"}
)


@dataclass(frozen=True)
class _Compiled:
    phrases: PhraseMatcher
    cues: Matcher
    exclusions: Matcher
    vocabulary: frozenset[str]
    inflected: Table
    cue_words: frozenset[str]


class ThemeFinder:
    """Find theme ids in free-text answers with the given spaCy pipeline.

    The patterns are compiled on first use and kept; the finder holds no visitor text.
    """

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self._compiled: _Compiled | None = None
        self._lemmas: Dict[str, str] = {}

    def find(self, text: str, wishing: bool = False) -> List[str]:
        """Theme ids affirmed in ``text``, in order of first appearance, without repeats."""
        return [hit.theme for hit in self.find_hits(text, wishing)]

    def find_hits(self, text: str, wishing: bool = False) -> List[ThemeHit]:
        """The themes affirmed in ``text`` with how often each came up and a short phrase around it.

        Ordered as ``find`` orders theme ids. ``quote`` is taken from ``text`` itself, for an
        acknowledgement in the same turn only; ``cue`` holds only words of the cue patterns.
        ``wishing``: ``text`` answers the question about what the visitor wants instead.
        """
        if not text or not text.strip():
            return []
        compiled = self._compile()
        doc = self._nlp(normalise(text[:MAX_CHARS], self._known, compiled.inflected.__contains__))
        excluded = self._excluded_spans(doc, compiled)
        spans: Dict[str, List[Tuple[int, int]]] = {}
        for key, start, end in self._cue_matches(doc, compiled):
            theme, mode = key.split("|")
            taken = spans.get(theme, [])
            if taken and start < taken[-1][1]:
                continue  # overlaps a match already counted for this theme
            if any(s <= start and end <= e for s, e in excluded.get(theme, ())):
                continue
            if affirmed(doc, start, end, Mode(mode), wishing):
                spans.setdefault(theme, []).append((start, end))
        order = sorted(spans, key=lambda theme: (spans[theme][0][0], _ORDER[theme]))
        hits = []
        for theme in order:
            start, end = spans[theme][0]
            hits.append(
                ThemeHit(
                    theme=theme,
                    count=len(spans[theme]),
                    first=start,
                    quote=quote_of(doc, start, end, text[:MAX_CHARS]),
                    cue=self._cue_words(doc[start:end], compiled),
                )
            )
        return hits

    def find_all(self, texts: Iterable[str]) -> List[str]:
        """Theme ids across several answers, in order of first appearance, without repeats."""
        found: List[str] = []
        for text in texts:
            found.extend(theme for theme in self.find(text) if theme not in found)
        return found

    # --- internals ---------------------------------------------------------------------

    def _cue_words(self, span: Span, compiled: _Compiled) -> str:
        """The matched words when every one is a word of the cue patterns (never other visitor words)."""
        words = [token.lower_ for token in span if not token.is_punct]
        if not words or len(words) > 4 or any(word not in compiled.cue_words for word in words):
            return ""
        while words and words[0] in _FUNCTION_WORDS:
            words.pop(0)
        while words and words[-1] in _FUNCTION_WORDS:
            words.pop()
        if not words:
            return ""
        return " ".join(words)

    def _known(self, word: str) -> bool:
        compiled = self._compile()
        return word in compiled.vocabulary or self._nlp.vocab.has_vector(word)

    def _cue_matches(self, doc: Doc, compiled: _Compiled) -> List[Tuple[str, int, int]]:
        strings = self._nlp.vocab.strings
        found = [(strings[m], s, e) for m, s, e in compiled.phrases(doc)]
        found += [(strings[m], s, e) for m, s, e in compiled.cues(doc)]
        return sorted(found, key=lambda match: (match[1], -match[2]))

    def _excluded_spans(self, doc: Doc, compiled: _Compiled) -> Dict[str, List[Tuple[int, int]]]:
        spans: Dict[str, List[Tuple[int, int]]] = {}
        for match_id, start, end in compiled.exclusions(doc):
            spans.setdefault(self._nlp.vocab.strings[match_id], []).append((start, end))
        return spans

    def _compile(self) -> _Compiled:
        if self._compiled is not None:
            return self._compiled
        vocab = self._nlp.vocab
        phrases = PhraseMatcher(vocab, attr="LEMMA")
        cues = Matcher(vocab)
        exclusions = Matcher(vocab)
        words: Set[str] = set()
        for theme, by_mode in CUES.items():
            for mode, items in by_mode.items():
                key = f"{theme}|{mode.value}"
                texts = [item for item in items if isinstance(item, str)]
                patterns = [self._lemmatised(item) for item in items if not isinstance(item, str)]
                if texts:
                    phrases.add(key, list(self._nlp.pipe(texts)))
                if patterns:
                    cues.add(key, patterns)
                words.update(word for text in texts for word in text.split())
                words.update(_pattern_words(patterns))
        for theme, patterns in EXCLUDE.items():
            exclusions.add(theme, [self._lemmatised(pattern) for pattern in patterns])
        lookups = self._nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        cue_words = frozenset(words) - _FUNCTION_WORDS
        words.update(str(value) for value in lookups.values())
        self._compiled = _Compiled(
            phrases, cues, exclusions, frozenset(words), lookups, cue_words | _FUNCTION_WORDS
        )
        return self._compiled

    def _lemma(self, word: str) -> str:
        if word not in self._lemmas:
            self._lemmas[word] = self._nlp(word)[0].lemma_
        return self._lemmas[word]

    def _lemmatised(self, pattern: Pattern) -> Pattern:
        """Let ``LEMMA`` lists match however the lookup lemmatizer reduces each listed word."""
        out: Pattern = []
        for spec in pattern:
            words = spec.get("LEMMA", {}).get("IN")
            if words:
                spec = {**spec, "LEMMA": {"IN": sorted(set(words) | {self._lemma(word) for word in words})}}
            out.append(spec)
        return out


def _pattern_words(patterns: Iterable[Pattern]) -> Set[str]:
    words: Set[str] = set()
    for pattern in patterns:
        for spec in pattern:
            for attr in ("LOWER", "LEMMA"):
                value = spec.get(attr)
                if isinstance(value, dict):
                    words.update(value.get("IN", ()))
                elif isinstance(value, str):
                    words.add(value)
    return words


@lru_cache(maxsize=2)
def _finder_for(model_path: str) -> ThemeFinder:
    return ThemeFinder(load_pipeline(model_path))


def get_finder(model_path: str | Path) -> ThemeFinder:
    """The process-wide ``ThemeFinder`` for the pipeline at ``model_path`` (loaded once, on first call)."""
    return _finder_for(str(model_path))
