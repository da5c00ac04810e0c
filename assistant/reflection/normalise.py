"""Text clean-up before theme matching: case, contractions, text-speak, stretched words, common typos."""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Dict, Sequence, Tuple

Known = Callable[[str], bool]

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-zé]+(?:'[a-z]+|')?")
_INNER_HYPHEN = re.compile(r"(?<=[a-z])[-‐–](?=[a-z])")
# "2am", "11.30pm", "3 am": late hours become one token the sleep patterns know.
_CLOCK = re.compile(r"\b(1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s*(am|pm)\b")
# "by my self" is "by myself", but "my self esteem", "my self worth" keep the compound.
_MY_SELF = re.compile(
    r"\bmy self\b(?! (?:esteem|worth|confidence|respect|image|control|harm|care|belief|doubt|loathing|hatred))"
)
_LATE_HOURS = {("11", "pm"), ("12", "am"), ("1", "am"), ("2", "am"), ("3", "am"), ("4", "am"), ("5", "am")}

_REPLACEMENTS: Sequence[Tuple[str, str]] = (
    (r"\bcan'?t\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bwon'?t\b", "will not"),
    (r"\bain'?t\b", "is not"),
    (r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)n'?t\b", r"\1 not"),
    (r"\bi'?m\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\b(you|they)'?re\b", r"\1 are"),
    (r"\bwe're\b", "we are"),
    (r"\b(\w+)'re\b", r"\1 are"),
    (r"\b(\w+)'ve\b", r"\1 have"),
    (r"\b(\w+)'ll\b", r"\1 will"),
    (r"\b(\w+)'d\b", r"\1 would"),
    (r"\bgonna\b", "going to"),
    (r"\bwanna\b", "want to"),
    (r"\bgotta\b", "got to"),
    (r"\bkinda\b", "kind of"),
    (r"\bsorta\b", "sort of"),
    (r"\bdunno\b", "do not know"),
    (r"\bidk\b", "i do not know"),
    (r"\bidc\b", "i do not care"),
    (r"\bngl\b", "not going to lie"),
    (r"\b(?:tbh|tbf|lol|lmao|haha+|af|fr)\b", " "),
    (r"\bw/", "with "),
)
_WORD_FIXES: Dict[str, str] = {
    # text-speak
    "u": "you",
    "ur": "your",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "bc": "because",
    "rly": "really",
    "abt": "about",
    "ppl": "people",
    "smth": "something",
    "sth": "something",
    "b4": "before",
    "nite": "night",
    "tho": "though",
    "thru": "through",
    "nah": "no",
    "naw": "no",
    "nope": "no",
    "noone": "nobody",
    "thats": "that is",
    "whats": "what is",
    "theyre": "they are",
    "youre": "you are",
    "shes": "she is",
    "hes": "he is",
    # partners
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "missus": "wife",
    "missis": "wife",
    "wifey": "wife",
    "fiance": "fiancé",
    "fiancee": "fiancé",
    "fiancée": "fiancé",
    # typos of the words that matter
    "lonley": "lonely",
    "lonly": "lonely",
    "lonelly": "lonely",
    "lonliness": "loneliness",
    "lonelyness": "loneliness",
    "boared": "bored",
    "borred": "bored",
    "boredum": "boredom",
    "anxius": "anxious",
    "anxios": "anxious",
    "anxiuos": "anxious",
    "axious": "anxious",
    "anxeity": "anxiety",
    "anxity": "anxiety",
    "stresed": "stressed",
    "streesed": "stressed",
    "stessed": "stressed",
    "realtionship": "relationship",
    "relationshp": "relationship",
    "girlfirend": "girlfriend",
    "grilfriend": "girlfriend",
    "boyfreind": "boyfriend",
    "freinds": "friends",
    "scroling": "scrolling",
    "ashammed": "ashamed",
    "shamefull": "shameful",
    "gulity": "guilty",
    "guitly": "guilty",
    "exausted": "exhausted",
    "exhuasted": "exhausted",
    "knackerd": "knackered",
    "restles": "restless",
    "seceret": "secret",
    "secert": "secret",
    "excitment": "excitement",
    "excitemnt": "excitement",
    "validaton": "validation",
    "atention": "attention",
    "attension": "attention",
    "rejectd": "rejected",
    "isolatd": "isolated",
    "insomina": "insomnia",
    "tierd": "tired",
    "excercise": "exercise",
    "exersize": "exercise",
    "excersise": "exercise",
    "exercize": "exercise",
    "emtpy": "empty",
    "embarassed": "embarrassed",
    "embarrased": "embarrassed",
    "embarased": "embarrassed",
    "hidding": "hiding",
    "lieing": "lying",
}


def _unknown(word: str) -> bool:
    return False


def _clock(match: re.Match[str]) -> str:
    hour, half = match.group(1).lstrip("0"), match.group(2)
    return " smallhours " if (hour, half) in _LATE_HOURS else " clocktime "


def _fix_word(word: str, known: Known, inflected: Known) -> str:
    """Undo stretching ("sooo", "lonelyyy") and dropped g's ("scrollin"), then fix typos."""
    if _STRETCHED.search(word):
        double = _STRETCHED.sub(r"\1\1", word)
        word = double if known(double) else _STRETCHED.sub(r"\1", word)
    if word.endswith("in'"):
        word = word[:-1] + "g"
    elif word.endswith("in") and inflected(word + "g") and not inflected(word):
        word += "g"
    return _WORD_FIXES.get(word, word)


def normalise(text: str, known: Known = _unknown, inflected: Known = _unknown) -> str:
    """Lower-case ``text`` and spell it the way the patterns expect.

    ``known`` says whether a word is real English; it decides between "soo"/"so" when
    undoing stretched words. ``inflected`` says whether a word is a known inflected form
    ("scrolling"); a word that is not, but would be with a "g" ("scrollin"), gets one.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _ZERO_WIDTH.sub("", text).lower().replace("’", "'").replace("‘", "'")
    text = _INNER_HYPHEN.sub(" ", text)
    text = _CLOCK.sub(_clock, text)
    text = _WORD.sub(lambda m: _fix_word(m.group(0), known, inflected), text)
    for pattern, replacement in _REPLACEMENTS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"\bmidnight\b", "smallhours", text)
    text = _MY_SELF.sub("myself", text)
    return re.sub(r"\s+", " ", text).strip()
