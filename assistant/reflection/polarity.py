"""Is a matched cue affirmed? Negation, dismissal and wish framing on a lemmatised ``Doc``.

The pipeline has no parser, so scope is read from a window of tokens within a clause:
a clause ends at punctuation and at words such as "but", "just", "more" ("not lonely,
just bored"; "I don't feel guilty, more flat"). The rules per cue mode are described in
``assistant.reflection.patterns``.
"""

from __future__ import annotations

from typing import FrozenSet, Tuple

from spacy.tokens import Doc, Token

from assistant.reflection.patterns import Mode

NEGATORS: FrozenSet[str] = frozenset(
    {"not", "no", "never", "without", "hardly", "barely", "neither", "nor", "nothing", "none", "nobody"}
)
_REACH = {"nothing": 4, "without": 3, "hardly": 2, "barely": 2, "none": 2, "nobody": 3}
_DEFAULT_REACH = 4
BREAKERS: FrozenSet[str] = frozenset(
    {
        "but", "though", "although", "however", "yet", "and", "so", "then", "just", "mostly", "mainly",
        "rather", "more", "actually", "instead", "except", "until", "till", "unless", "while", "whereas",
        "maybe", "probably", "perhaps", "especially", "apart",
    }
)  # fmt: skip
_SUBJECTS = frozenset({"i", "he", "she", "we", "they", "you", "it"})
# After these, a pronoun's clause is still inside the negation: "not because I'm lonely",
# "I don't think I'm lonely".
_RAISING = frozenset({"because", "that", "think", "reckon", "believe", "suppose", "feel", "say"})
# A negator followed by one of these negates that word, not what comes after it.
_SCOPE_ENDERS: Tuple[Tuple[str, ...], ...] = (
    ("stop",), ("help",), ("resist",), ("quit",), ("know",), ("care",), ("understand",), ("remember",),
    ("explain",), ("wait",), ("mind",), ("idea",), ("sure",), ("just",), ("only",),
    ("get", "enough"), ("one",),
)  # fmt: skip
_WISHING = frozenset({"want", "wish", "rather", "prefer", "hope", "try", "nice", "better", "good"})
_INTENSIFIED = frozenset({"so", "this", "as", "that", "more"})
# Words that may stand between a negator and a topic it negates: "no partner",
# "not in a relationship", "don't have a partner", "never at night".
_BINDING = frozenset(
    {
        "a", "an", "any", "the", "my", "our", "in", "at", "have", "has", "had", "got", "get", "getting", "with",
        "be", "am", "is", "are", "was", "were", "been", "being", "really", "even", "currently", "much", "of",
        "for", "on", "that", "this", "having", "do", "does", "did", "so", "very", "well", "properly", "to",
        "go", "going", "went", "ever", "often", "usually", "always", "can", "could", "will", "would",
    }
)  # fmt: skip
_IMPACT = frozenset(
    {"affect", "impact", "mess", "ruin", "change", "hurt", "disrupt", "interfere", "touch", "bother", "damage",
     "harm", "effect", "problem", "issue", "trouble", "difference"}
)  # fmt: skip
_FINE = frozenset(
    {"fine", "ok", "okay", "alright", "good", "great", "normal", "unaffected", "untouched", "stable", "decent",
     "solid", "healthy", "well"}
)  # fmt: skip
_DISMISS = frozenset(
    {"affect", "impact", "change", "relevant", "involve", "problem", "issue", "deal", "bad", "concern", "factor",
     "worry", "bother", "applicable", "thing", "affected", "impacted", "changed", "involved", "problems", "issues",
     "there"}
)  # fmt: skip
_POST_SKIP = frozenset(
    {
        "is", "'s", "s", "are", "was", "were", "be", "been", "has", "have", "seems", "seem", "feels", "feel",
        "pretty", "quite", "really", "totally", "mostly", "generally", "actually", "still", "all", "absolutely",
        "perfectly", "and", "i", "me", "we", "us", "thing", "stuff", "side", "wise", "situation", "am", "?",
        "-", ":", "–", "—", "…", "...", "there", "though",
    }
)  # fmt: skip
_AFTER_NOT_SKIP = frozenset(
    {"really", "at", "all", "much", "of", "too", "that", "a", "an", "the", "big", "any", "particularly", "been",
     "be", "so", "very", "such", "ever"}
)  # fmt: skip
_CONTRAST = frozenset({"but", "though", "although", "however", "except", "whereas", "yet"})
_ANAPHORS = frozenset({"that", "it", "which", "this"})
_BE = frozenset({"is", "'s", "s", "was", "be", "has", "been"})
_AFTER_WORDS = frozenset({"after", "afterwards", "afterward", "later", "then", "once", "aftermath"})
# Words that make a sentence a wish ("I'd like", "want", "instead", "more honesty").
_FRAMES = frozenset(
    {"want", "wish", "hope", "rather", "prefer", "able", "try", "need", "goal", "aim", "learn", "instead",
     "more", "less", "start", "love", "like"}
)  # fmt: skip
_CONDITIONAL_FRAMES = frozenset({"like", "love"})  # only after "would": "I'd like", not "I like"
_MODIFIERS = frozenset(
    {"real", "genuine", "proper", "actual", "deeper", "deep", "meaningful", "true", "more"}
)
_SHORT_ANSWER = 4
_MOVABLE = frozenset({"from", "about", "with", "at", "in", "of", "to", "for", "on", "around"})
_NOT_WISH_TO = frozenset(
    {"use", "used", "have", "get", "got", "go", "went", "back", "up", "listen", "talk", "due"}
)
_BUT_FILLERS = frozenset({"just", "only", "more", "rather", "mostly", "mainly", "also"})
_GERUND_ANSWERS = frozenset({"feeling", "being", "having", "getting"})


def is_negator(token: Token) -> bool:
    return token.lemma_ in NEGATORS or token.lower_ in NEGATORS or token.lower_ in {"n't", "nt"}


def _breaks(token: Token) -> bool:
    if token.lower_ == "more" and token.i > 0 and token.nbor(-1).lower_ in {"no", "any"}:
        return False  # "no more secrets", "not any more"
    return (token.is_punct and token.text not in {"'", "'s"}) or token.lower_ in BREAKERS


def _exempt(doc: Doc, i: int, wish: bool = False) -> bool:
    """The negator at ``i`` does not reach forward: "no one", "can't stop", "never felt so ...", "want to not".

    With ``wish`` (the cue names something wanted) a wish not to ("I'd rather not talk to a
    real person") still negates it.
    """
    after = [t.lemma_ for t in doc[i + 1 : i + 4]]
    if any(tuple(after[: len(ender)]) == ender for ender in _SCOPE_ENDERS):
        return True
    if doc[i].lower_ == "never" and (
        after[:1]
        and after[0] in _INTENSIFIED
        or after[:2]
        and after[0] in {"be", "feel"}
        and after[1:2]
        and after[1] in _INTENSIFIED
    ):
        return True
    if wish:
        return False
    for token in doc[max(i - 3, 0) : i]:  # "I'd like to not feel so wired", "want to not need it"
        if token.lemma_ in _WISHING or token.lower_ in _WISHING or _would_like(token):
            return True
    # an answer "to not feel lonely", "not to feel so alone": the feeling is there now
    # ("to not have to hide" stays negated)
    sent_start = doc[i].sent.start
    clause_start = i - 1 == sent_start or (i >= 2 and doc[i - 2].is_punct)  # "..., to not be alone"
    if clause_start and doc[i - 1].lower_ == "to" and after[:1] in (["feel"], ["be"]):
        return True
    if i == sent_start and after[:1] == ["to"] and after[1:2] in (["feel"], ["be"]):
        return True
    sentence_rest = {t.lower_ for t in doc[i + 1 : doc[i].sent.end]}
    return after[:1] == ["want"] and "anymore" in sentence_rest


def _would_like(token: Token) -> bool:
    """ "like"/"love" as a wish ("I'd like", "would love"), not as a comparison ("feel like")."""
    return token.lemma_ in _CONDITIONAL_FRAMES and token.i > 0 and token.nbor(-1).lower_ in {"would", "'d"}


def _negator_at(doc: Doc, i: int, distance: int, wish: bool = False) -> bool:
    token = doc[i]
    reach = _REACH.get(token.lower_, _DEFAULT_REACH)
    return is_negator(token) and distance <= reach and not _exempt(doc, i, wish)


def negated_before(doc: Doc, start: int, wish: bool = False) -> bool:
    """A negation earlier in the clause reaches the cue starting at ``start`` (``wish``: see ``_exempt``)."""
    for distance in range(1, _DEFAULT_REACH + 1):
        i = start - distance
        if i < 0 or _breaks(doc[i]):
            return False
        if _negator_at(doc, i, distance, wish):
            return True
        if doc[i].lower_ in _SUBJECTS:
            return (
                i >= 1
                and doc[i - 1].lower_ in _RAISING
                and any(_negator_at(doc, j, 1, wish) for j in range(max(i - 3, 0), i - 1))
            )
    return False


def negation_bound(doc: Doc, start: int) -> bool:
    """A negator joined to the cue only by small words: "no partner", "never at night", "can't sleep"."""
    for distance in range(1, 5):
        i = start - distance
        if i < 0:
            return False
        if is_negator(doc[i]):
            if doc[i].lower_ == "without":  # "without a partner", not "without my fiancé knowing"
                return distance == 1 or doc[i + 1].lower_ in {"a", "an", "any"}
            return not (doc[i].lower_ == "no" and doc[i + 1].lower_ == "one")
        if doc[i].lower_ not in _BINDING:
            return False
    return False


def impact_negated(doc: Doc, start: int) -> bool:
    """The cue follows a denied effect: "doesn't affect my sleep", "no problems with sleep"."""
    for i in range(start - 1, max(start - 7, -1), -1):
        if _breaks(doc[i]):
            return False
        if doc[i].lemma_ in _IMPACT and any(is_negator(t) for t in doc[max(i - 3, 0) : i]):
            return True
    return False


def _qualifier(doc: Doc, i: int) -> bool | None:
    """Read a verdict at ``i``: True when it dismisses ("fine", "not an issue", "not really")."""
    if i >= len(doc):
        return None
    token = doc[i]
    if token.lower_ in _FINE:
        return True
    if token.lower_ == "no" and i + 1 < len(doc) and doc[i + 1].lemma_ in _DISMISS:
        return True
    if is_negator(token):
        j = i + 1
        while j < len(doc) and doc[j].lower_ in _AFTER_NOT_SKIP:
            j += 1
        if j >= len(doc) or doc[j].is_punct:
            return j > i + 1  # "lonely? not really." but not a bare "not."
        return doc[j].lemma_ in _DISMISS or doc[j].lower_ in _DISMISS
    return None


def dismissed_after(doc: Doc, end: int) -> bool:
    """The words right after the cue dismiss it: "my sleep is fine", "trust isn't an issue"."""
    for i in range(end, min(end + 5, len(doc))):
        verdict = _qualifier(doc, i)
        if verdict is not None:
            return verdict
        if doc[i].lower_ not in _POST_SKIP:
            return False
    return False


def dismissed_later(doc: Doc, end: int) -> bool:
    """A later clause of the sentence dismisses it: "I go to the gym, that's not a problem"."""
    stop = doc[end - 1].sent.end
    for i in range(end, stop - 1):
        if doc[i].lower_ in _CONTRAST:
            return False
        if doc[i].lower_ in _ANAPHORS and doc[i + 1].lower_ in _BE:
            return bool(_qualifier(doc, i + 2))
    return False


_DENYING_AUX = frozenset({"do", "did", "am", "was", "have", "ever"})


def denied_by_the_speaker(doc: Doc, end: int) -> bool:
    """A later "but I don't" / "but I'm not" takes back what the clause says of others or in
    general: "people say you feel empty afterwards but I don't"."""
    stop = doc[end - 1].sent.end
    for i in range(end, stop - 2):
        if doc[i].lower_ != "but" or doc[i + 1].lower_ != "i":
            continue
        j = i + 2
        if j < stop and doc[j].lower_ in _DENYING_AUX:
            j += 1
        if j < stop and doc[j].lower_ in ("not", "never"):
            after = j + 1
            return after >= stop or doc[after].is_punct or doc[after].lower_ in ("i", "really", "at")
    return False


def moved_object(doc: Doc, end: int) -> bool:
    """The negation moves the cue's object, not the cue: "not secret from my wife but from my kids",
    "not anxious about work but about money" (the same preposition again after "but")."""
    if end >= len(doc) or doc[end].lower_ not in _MOVABLE:
        return False
    sent_end = doc[end].sent.end
    for i in range(end + 1, sent_end - 1):
        if doc[i].lower_ == "but":
            j = i + 1
            while j < sent_end and doc[j].lower_ in _BUT_FILLERS:
                j += 1
            return j < sent_end and doc[j].lower_ == doc[end].lower_
    return False


def framed_as_wish(doc: Doc, start: int, end: int) -> bool:
    """The sentence wants what the cue names: a wish word before it, "instead", or a bare answer."""
    sent = doc[start].sent
    words = [t for t in sent if not t.is_punct]
    if len(words) <= _SHORT_ANSWER or any(_wishing_to(words, n) for n in range(min(3, len(words)))):
        return True
    if words[0].lower_ in _GERUND_ANSWERS:  # "Feeling in control of my own choices"
        return True
    if any(t.lower_ in {"instead", "rather"} for t in sent):
        return True
    if words[0].lower_ == "for" and any(t.lower_ == "to" for t in doc[sent.start : start]):
        return True  # "for me and my husband to talk properly"
    if any(t.lower_ == "for" and t.i + 1 < sent.end and doc[t.i + 1].lower_ == "once" for t in sent):
        return True  # "in control for once": what is longed for
    if any(t.lower_ in _MODIFIERS for t in doc[max(start - 2, sent.start) : start]):
        return True
    for token in doc[sent.start : end]:
        if token.lemma_ in _CONDITIONAL_FRAMES:
            if _would_like(token):
                return True
        elif token.lemma_ in _FRAMES or token.lower_ in _FRAMES:
            return True
    return False


def _wishing_to(words: list[Token], n: int) -> bool:
    """``words[n]`` is an infinitive "to" opening the answer ("To be free", "just to feel in control"),
    not the "to" of "used to", "have to", "got to", "went to"."""
    return words[n].lower_ == "to" and (n == 0 or words[n - 1].lemma_ not in _NOT_WISH_TO)


def in_after_sentence(doc: Doc, start: int) -> bool:
    """The sentence is about afterwards ("awful after", "then I feel rubbish")."""
    return any(t.lower_ in _AFTER_WORDS for t in doc[start].sent)


def affirmed(doc: Doc, start: int, end: int, mode: Mode, wishing: bool = False) -> bool:
    """Whether the cue ``doc[start:end]`` of this ``mode`` counts as a theme in the visitor's words.

    ``wishing``: the answer is to a question about what the visitor wants ("what would you like
    more of instead?"), so a wish needs no wish word of its own.
    """
    if mode is Mode.FIXED:
        return True
    if impact_negated(doc, start):
        return False
    if mode is Mode.ABSENT:
        return negation_bound(doc, start) or not (dismissed_after(doc, end) or dismissed_later(doc, end))
    if mode is Mode.TOPIC:
        return not (negation_bound(doc, start) or dismissed_after(doc, end) or dismissed_later(doc, end))
    if (
        dismissed_after(doc, end)
        or denied_by_the_speaker(doc, end)
        or (negated_before(doc, start, mode is Mode.WISH) and not moved_object(doc, end))
    ):
        return False
    if mode is Mode.WISH:
        return wishing or framed_as_wish(doc, start, end)
    if mode is Mode.AFTER:
        return in_after_sentence(doc, start)
    if mode is Mode.UNLESS_AFTER:
        return not in_after_sentence(doc, start)
    return True
