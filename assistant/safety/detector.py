"""Deterministic safety detection: spaCy Matcher patterns on lower-cased lemmas.

The second, independent layer beside the trained safety intents. It normalises
text (case, zero-width characters, text-speak such as "2" for "to", repeated
letters, common misspellings of the key words), lemmatises it with the offline
pipeline, and runs token patterns per route. Age statements are checked by value
(under 18) and by what follows the number, so "16 tabs open" or "14 years on
Tinder" do not count, and only first-person statements mean the visitor is a minor.

Routes, in priority order when several match: crisis, under_18, child_content,
sextortion, abuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Tuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from assistant.safety.normalise import NUMBER_WORDS, normalise
from assistant.safety.patterns import (
    ADULT_SELF_AGE,
    AGE_SHORTHAND,
    CONCEPTS,
    DANGER_PLACES,
    DENIED_CRISIS,
    HAVE_YEARS,
    IDIOMS,
    MINOR_WORDS,
    MONEY,
    NOT_A_MINOR_BEFORE,
    NOT_AGE_AFTER,
    NOT_YET_18,
    PARENT,
    PAST_18,
    PAST_SELF,
    PATTERNS,
    PERSONAL,
    SEARCH_WORDS,
    SEXUAL,
)
from assistant.safety.routes import ROUTES


def _number(token_text: str) -> int | None:
    if token_text.isdigit():
        return int(token_text)
    return NUMBER_WORDS.get(token_text)


@dataclass(frozen=True)
class Detection:
    """A route, the rule that found it, and every route that matched (no text of the message)."""

    route: str
    rule: str
    routes: Tuple[str, ...] = ()


class SafetyDetector:
    """Run the patterns over a message; return the highest-priority route found."""

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self._matcher = Matcher(nlp.vocab)
        for route, rules in PATTERNS.items():
            for name, pattern in rules.items():
                self._matcher.add(f"{route}:{name}", [self._with_lemmas(pattern)])
        self._idioms = Matcher(nlp.vocab)
        for name, pattern in IDIOMS.items():
            self._idioms.add(name, [pattern])
        self._concepts = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for concept, words in CONCEPTS.items():
            self._concepts.add(concept, [nlp(word) for word in words])

    def _with_lemmas(self, pattern: List[dict]) -> List[dict]:
        """Let LEMMA lists match however the lookup lemmatizer reduces each listed word."""
        out = []
        for spec in pattern:
            if "LEMMA" in spec:
                words = set(spec["LEMMA"]["IN"])
                words |= {self._nlp(word)[0].lemma_ for word in list(words)}
                spec = {**spec, "LEMMA": {"IN": sorted(words)}}
            out.append(spec)
        return out

    def detect(self, text: str) -> Detection | None:
        """The highest-priority safety route in ``text``, or ``None``."""
        # Invisible characters may hide a word break ("I\u200bwant") or split a word ("ki\u200bll").
        variants = {normalise(text), normalise(text, invisible=" ")}
        detections = [self._detect_normalised(variant) for variant in sorted(variants)]
        found = [d for d in detections if d is not None]
        if not found:
            return None
        best = min(found, key=lambda d: ROUTES.index(d.route))
        routes = tuple(r for r in ROUTES if any(r in d.routes for d in found))
        return Detection(best.route, best.rule, routes)

    def explains_away(self, text: str, route: str) -> bool:
        """True when the classifier's ``route`` is not borne out by the words themselves.

        Used only when the classifier fires without the patterns: an everyday idiom
        ("I'm dying to know", "my battery died"), a bare "what is ...?" question,
        numbers that are not an age under 18 for ``under_18`` ("14 years on Tinder",
        "I'm 18"), and no images or money at all for ``sextortion``.
        """
        doc = self._nlp(normalise(text))
        idioms = {self._nlp.vocab.strings[m].split(":")[0] for m, _, _ in self._idioms(doc)}
        if route in idioms or "any" in idioms:
            return True
        words = [t.lower_ for t in doc]
        asking = words[:2] in (["what", "is"], ["what", "are"], ["what", "does"]) or words[:1] == ["define"]
        if asking and not set(words) & (PERSONAL - {"you", "your"}):
            return True
        if route == "under_18":
            numbers = [i for i, w in enumerate(words) if _number(w) is not None]
            return bool(numbers) and not any(self._could_be_minor_age(words, i) for i in numbers)
        if route == "sextortion":
            if "baby" in words:  # "she'll blackmail me with baby photos"
                return True
            present = {self._nlp.vocab.strings[m] for m, _, _ in self._concepts(doc)}
            return "content" not in present and not set(words) & MONEY
        return False

    def has_known_words(self, text: str) -> bool:
        """At least one word the vocabulary knows; gibberish ("xqzzy flurbo") has none.
        Without word vectors in the pipeline every message counts as having known words."""
        if not self._nlp.vocab.vectors.shape[0]:
            return True
        return any(t.is_alpha and t.has_vector for t in self._nlp(normalise(text)))

    def is_idiom(self, text: str, route: str) -> bool:
        """An everyday idiom that uses the route's words ("I'm dying to know", "my battery died")."""
        doc = self._nlp(normalise(text))
        idioms = {self._nlp.vocab.strings[m].split(":")[0] for m, _, _ in self._idioms(doc)}
        return route in idioms or "any" in idioms

    @staticmethod
    def _could_be_minor_age(words: List[str], i: int) -> bool:
        value = _number(words[i])
        if value is None or not 8 <= value <= 17:
            return False
        following = words[i + 1] if i + 1 < len(words) else ""
        if following == "years":
            return words[i + 2 : i + 3] == ["old"]
        return following not in NOT_AGE_AFTER

    def _detect_normalised(self, text: str) -> Detection | None:
        doc = self._nlp(text)
        found: Dict[str, str] = {}
        for match_id, start, end in self._matcher(doc):
            rule = self._nlp.vocab.strings[match_id]
            if self._rule_holds(rule, doc, doc[start:end]):
                found.setdefault(rule.split(":")[0], rule)
        if "under_18" not in found:
            not_yet_18 = self._not_yet_18(" ".join(t.lower_ for t in doc))
            if not_yet_18 is not None:
                found["under_18"] = not_yet_18
        if "child_content" not in found and self._minor_in_sexual_context(doc):
            found["child_content"] = "child_content:minor-in-sexual-context"
        if found.get("under_18", "").endswith("-age") and ADULT_SELF_AGE.search(
            " ".join(t.lower_ for t in doc)
        ):
            del found["under_18"]  # "bet if I say I'm 15 you'll shut down lol. I'm 38"
        if "sextortion" not in found and self._image_threat(doc):
            found["sextortion"] = "sextortion:image-threat"
        if "sextortion" in found and "child_content" not in found and self._someone_else_under_18(doc):
            # Images of someone under 18 are child protection first (NSPCC, CEOP, IWF), not only
            # the adult image-abuse help: "my son is 15 and has been sending pictures of himself".
            found["child_content"] = "child_content:images-of-a-minor"
        routes = tuple(r for r in ROUTES if r in found)
        for route in routes:
            return Detection(route, found[route], routes)
        return None

    @staticmethod
    def _not_yet_18(words: str) -> str | None:
        """The rule (an age rule: it always stands) for a visitor not yet 18 who says so without
        an age under 18 as a number: "18 in five weeks", "15m", "I have 15 years"."""
        if PARENT.search(words):
            return None  # "my daughter is nearly 18": a child of the visitor, not the visitor
        for match in NOT_YET_18.finditer(words):
            before = words[max(0, match.start() - 30) : match.end()]
            if not PAST_18.search(before):
                return "under_18:not-yet-18-age"
        if AGE_SHORTHAND.search(words):
            return "under_18:shorthand-age"
        if HAVE_YEARS.search(words):
            return "under_18:have-years-age"
        return None

    def denies_crisis(self, text: str) -> bool:
        """The message says a crisis is not there ("I'm not suicidal, just fed up"); never when a
        "but" follows the denial ("I'm not suicidal, but I've looked up how many pills")."""
        words = " ".join(t.lower_ for t in self._nlp(normalise(text)))
        denial = DENIED_CRISIS.search(words)
        return denial is not None and not re.search(
            r"\b(but|although|though|except|yet)\b", words[denial.end() :]
        )

    def _rule_holds(self, rule: str, doc: Doc, span: Span) -> bool:
        name = rule.split(":", 1)[1]
        if name in {"underage", "minor"} and {t.lower_ for t in span} & {"not", "never", "no"}:
            return False  # "I'm not underage"
        if name.endswith("-age"):
            return self._is_minor_age(doc, span, school_year="year" in name)
        if name in {"end-it", "thinking-ending"}:  # "ending it with my girlfriend" is not a crisis
            after = {t.lower_ for t in doc[span.end : span.end + 2]}
            return not after & {"with", "off", "up", "for", "between", "things"}
        if name == "spread-my":  # someone else spreading my images, not "should I send my pics"
            before = {t.lower_ for t in doc[max(span.start - 3, 0) : span.start]}
            third = {t.lower_ for t in doc} & set(CONCEPTS["third_party"]) | {
                "partner",
                "husband",
                "wife",
                "boyfriend",
                "girlfriend",
            } & {t.lower_ for t in doc}
            return bool(third) and not before & {"i", "should", "to", "can", "could", "would", "do"}
        words = {t.lower_ for t in doc}
        if name == "how-easy":  # "how easy it would be" at the edge of a platform
            return bool(words & DANGER_PLACES)
        if name in {"getting-younger", "younger-and-younger"}:
            return bool(words & (SEXUAL | SEARCH_WORDS) or {t.lemma_ for t in doc} & SEXUAL)
        if name == "controls":  # "he checks my phone", not "I keep checking my phone"
            before = {t.lower_ for t in doc[max(span.start - 2, 0) : span.start]}
            return not before & {
                "i",
                "keep",
                "kept",
                "stop",
                "am",
                "was",
                "been",
                "without",
                "avoid",
                "from",
                "of",
                "about",
                "after",
                "before",
            }
        if name == "blackmail-me" and "baby" in words:  # "she'll blackmail me with baby photos"
            return False
        if name.endswith("-past"):  # "when I was a child someone showed me porn"
            return bool(PAST_SELF.search(doc.text))
        if name.endswith("-personal"):  # "what is sextortion?" asks, it does not disclose
            return any(t.lower_ in PERSONAL for t in doc)
        return True

    @staticmethod
    def _is_minor_age(doc: Doc, span: Span, school_year: bool) -> bool:
        """The number in an age rule is under 18 and is not followed by a unit."""
        token = [t for t in span if t.like_num][-1]
        value = _number(token.lower_)
        if value is None:
            return False
        if school_year:  # UK school years 7-12 are ages 11-17
            return 1 <= value <= 12
        if not 8 <= value <= 17:
            return False
        following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if following == "years":
            after = doc[token.i + 2].lower_ if token.i + 2 < len(doc) else ""
            return after == "old"
        return following not in NOT_AGE_AFTER

    def _minor_in_sexual_context(self, doc: Doc) -> bool:
        """Someone under 18, by age or by word, within a few words of sexual content."""
        words = [t.lower_ for t in doc]
        sexual = [i for i, t in enumerate(doc) if t.lemma_ in SEXUAL or t.lower_ in SEXUAL]
        if not sexual:
            return False
        minors = []
        for i, word in enumerate(words):
            if PAST_SELF.search(" ".join(words[max(i - 4, 0) : i + 1])):
                continue  # "as a child", "when I was 12", "from age 12": the visitor's own past
            previous = words[i - 1] if i else ""
            if word in MINOR_WORDS and previous not in NOT_A_MINOR_BEFORE and not previous.isdigit():
                minors.append(i)
                continue
            value = _number(word)
            if value is None or not 8 <= value <= 17:
                continue
            following = words[i + 1] if i + 1 < len(words) else ""
            if following == "years" and i + 2 < len(words) and words[i + 2] == "old":
                minors.append(i)
            elif previous == "year" and words[i - 2 : i - 1] == ["in"] and value <= 11:
                if not PARENT.search(" ".join(words[max(i - 6, 0) : i])):
                    minors.append(i)
            elif previous in {
                "is",
                "was",
                "are",
                "were",
                "be",
                "only",
                "just",
                "aged",
                "age",
                "actually",
                "really",
            }:
                parent = PARENT.search(" ".join(words[max(i - 6, 0) : i]))
                if following not in NOT_AGE_AFTER and words[max(i - 2, 0)] != "i" and not parent:
                    minors.append(i)
        return any(abs(m - x) <= 25 for m in minors for x in sexual)

    def _someone_else_under_18(self, doc: Doc) -> bool:
        """Someone other than the visitor is said to be under 18 ("my son is 15", "she's 14")."""
        words = [t.lower_ for t in doc]
        for i, word in enumerate(words):
            value = _number(word)
            if value is None or not 8 <= value <= 17:
                continue
            if PAST_SELF.search(" ".join(words[max(i - 4, 0) : i + 1])):
                continue
            before = words[max(i - 3, 0) : i]
            following = words[i + 1] if i + 1 < len(words) else ""
            said_of_someone = bool(set(before) & {"son", "daughter", "child", "kid", "he", "she", "they"})
            is_age = (before[-1:] and before[-1] in {"is", "'s", "was", "aged"}) or following in {
                "yo",
                "year",
            }
            # ... and the images are theirs ("pictures of himself", "her photos"), not the visitor's.
            theirs = bool(set(words[i + 1 :]) & {"himself", "herself", "themselves", "his", "her"})
            if said_of_someone and is_age and following not in NOT_AGE_AFTER and theirs:
                return True
        return False

    def _image_threat(self, doc: Doc) -> bool:
        """Intimate content, a way of spreading it, and coercion or a third party spreading 'my' content."""
        present = {self._nlp.vocab.strings[match_id] for match_id, _, _ in self._concepts(doc)}
        words = {t.lower_ for t in doc}
        money = words & MONEY
        if {"content", "third_party"} <= present and money and words & {"my", "our"}:
            return True  # "they have my video and want money"
        threat = words & {"otherwise", "unless", "or"}
        if {"distribute", "third_party"} <= present and money and threat:
            return True  # "I paid once and now they want more, otherwise they'll leak everything"
        if not {"distribute", "content"} <= present:
            return False
        if "coerce" in present and words & PERSONAL:
            return True
        return {"audience", "third_party"} <= present and bool(words & {"my", "our"})
