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
import unicodedata
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

ROUTES: Tuple[str, ...] = ("crisis", "under_18", "child_content", "sextortion", "abuse")

# --- normalisation -----------------------------------------------------------

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_REPLACEMENTS: Sequence[Tuple[str, str]] = (
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
_NUMBER_WORDS = {
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


# --- patterns ----------------------------------------------------------------


def _l(*lemmas: str) -> dict:
    return {"LEMMA": {"IN": list(lemmas)}}


def _w(*words: str) -> dict:
    return {"LOWER": {"IN": list(words)}}


_ANY = {"OP": "?"}
_GAP = {"OP": "{0,3}"}

SELF = _w("myself", "me")
PARTNER = _w(
    "partner", "husband", "wife", "boyfriend", "girlfriend", "ex", "he", "she", "they",
    "fiance", "fiancee", "spouse", "someone", "somebody", "man", "guy", "woman",
)  # fmt: skip
INTIMATE = _l(
    "nude", "nudes", "naked", "intimate", "sextape", "explicit", "sexual", "sex", "picture",
    "photo", "image", "video", "recording", "selfie", "webcam", "cam",
)  # fmt: skip
CHILD = _l(
    "child", "children", "kid", "kids", "minor", "minors", "underage", "under18", "paedophile",
    "schoolgirl", "schoolboy", "preteen", "toddler",
)  # fmt: skip
CHILD_OR_TEEN = _l(
    "child", "children", "kid", "kids", "minor", "minors", "underage", "under18", "schoolgirl",
    "schoolboy", "preteen", "toddler", "teenager", "teenagers", "teens",
)  # fmt: skip
SEXUAL = {
    "sext", "sexting", "sexted", "sexual", "sexually", "sex", "nude", "nudes", "naked",
    "porn", "explicit", "picture", "pictures", "photo", "photos", "image", "images",
    "video", "videos", "cam", "webcam", "flirt", "flirting", "dirty", "attract",
    "attracted", "aroused", "fantasy", "fantasise", "fantasize", "roleplay", "roleplaying",
    "sexy", "pics", "nsfw", "onlyfans", "content",
}  # fmt: skip

NUM = {"LIKE_NUM": True}
KILL = _l("kill", "hurt", "harm", "cut", "hang", "drown", "starve", "poison", "shoot", "stab")
SELVES = _w("myself", "himself", "herself", "themselves", "themself")
MEANS = _l(
    "pill", "tablet", "paracetamol", "ibuprofen", "med", "meds", "medication", "insulin", "dose", "sleeping"
)

# Rules: route -> {name: token pattern}. Names ending in "-age" are checked by value.
PATTERNS: Dict[str, Dict[str, List[dict]]] = {
    "crisis": {
        "kill-self": [KILL, SELVES],
        "keyword": [_l("unalive", "suicide", "suicidal", "selfharm", "overdose", "overdosing", "overdoses")],
        "want-die": [
            _l("want", "wish", "like", "ready", "go", "plan", "try", "deserve"),
            _w("to", "i"),
            _ANY,
            _l("die", "dead"),
        ],
        "want-dead": [_l("want", "wish", "like"), _ANY, _w("be", "was", "were"), _w("dead")],
        "better-dead": [_w("better"), _w("off"), _w("dead")],
        "better-without": [_w("better"), _w("off"), _w("without"), _w("me")],
        "end-life": [_l("end", "take", "finish"), _w("my", "it"), _ANY, _w("life", "all")],
        "end-it": [_l("end", "ending"), _w("it", "things", "everything")],
        "own-life": [_w("take"), _w("my"), _w("own"), _w("life")],
        "no-reason": [
            _w("no", "any"),
            _w("reason", "point"),
            _w("to", "in"),
            {"LOWER": {"IN": ["keep", "carry", "stay"]}, "OP": "?"},
            _l("live", "living", "go", "going", "be", "on"),
        ],
        "not-worth": [_w("not"), _w("worth"), _w("living")],
        "not-alive": [
            _w("do", "did"),
            _w("not"),
            _l("want"),
            _w("to"),
            _w("be", "live", "exist", "wake"),
            _ANY,
            _w("alive", "here", "up", "anymore", "any"),
        ],
        "cannot-go-on": [_w("cannot"), _w("go", "keep"), _w("on", "going", "living")],
        "keep-living": [_w("cannot", "not"), _w("keep"), _w("living")],
        "disappear": [_l("disappear", "vanish"), _w("forever", "for")],
        "not-here": [
            _w("will", "would"),
            _w("not"),
            _w("be"),
            _w("here", "around"),
            _w("much", "for", "tomorrow", "anymore"),
        ],
        "in-case": [_w("case", "when"), _w("i"), _w("am"), _w("not"), _w("here", "around")],
        "all-stop": [_w("want", "wish"), _w("it"), _w("all"), _w("to"), _w("stop", "end")],
        "how-many": [_w("how"), _w("many", "much"), _ANY, _ANY, MEANS],
        "means-die": [MEANS, _GAP, _w("to", "enough"), _ANY, _l("die", "kill", "end", "not", "never")],
        "lethal": [_w("lethal", "fatal", "deadly"), _l("dose", "amount")],
        "cutting": [
            _w("started", "start", "been", "keep", "began"),
            _w("cutting", "harming", "burning"),
            _ANY,
            _w("again", "myself", "my"),
        ],
        "never-wake": [_w("and", "to"), _w("never", "not"), _w("wake", "waking")],
        "around-longer": [_w("be"), _w("around", "here"), _w("much", "any"), _w("longer")],
        "done-life": [
            _w("done", "finished", "over"),
            _w("with"),
            _w("life", "living", "everything", "it all"),
        ],
        "stockpile": [
            _l("stockpile", "stockpiling", "hoard", "hoarding", "save", "saving", "collect", "collecting"),
            _ANY,
            _ANY,
            MEANS,
        ],
        "take-all": [_w("take", "swallow"), _w("all"), _w("my", "the", "of"), _ANY, MEANS],
        "plan-how": [_l("plan", "planning"), _w("how"), _w("i"), _ANY, _ANY, _w("do"), _w("it")],
        "gone": [_w("if"), _w("i"), _w("was", "were", "am"), _w("gone", "dead")],
        "nobody-notice": [_w("nobody", "one"), _w("would", "will"), _ANY, _l("notice", "care", "miss")],
        "thinking-ending": [
            _l("think", "thought", "consider"),
            _w("about", "of"),
            _w("ending", "end", "killing", "suicide"),
        ],
        "no-way-out": [_w("see"), _w("a", "any", "no"), _w("way"), _w("out")],
        "danger-to-self": [_w("danger", "threat", "risk"), _w("to"), _w("myself")],
        "not-safe": [
            _w("i"),
            _w("am"),
            _w("not"),
            _w("safe"),
            _w("tonight", "today", "now", "right", "alone", "from", "anymore", "at"),
        ],
        "algospeak": [_w("sewer", "sewerslide", "unalive", "unaliving")],
        "self-injury": [
            _l("scratch", "burn", "hit", "punch", "bite", "pull"),
            _w("myself", "my"),
            _GAP,
            _l("bleed", "bleeding", "blood", "scar", "bruise"),
        ],
        "means-saved": [MEANS, _w("saved", "stored", "stashed", "hidden", "ready")],
    },
    "under_18": {
        "underage": [_w("i"), _w("am"), _ANY, _w("underage", "under18")],
        "minor": [
            _w("i"),
            _w("am"),
            _ANY,
            _w("a"),
            _w("minor", "kid", "child", "teenager", "schoolgirl", "schoolboy"),
        ],
        "not-18": [_w("not"), _w("18", "eighteen", "an"), _w("yet", "adult")],
        "school-year-age": [_w("i"), _w("am"), _ANY, _w("in"), _w("year"), NUM],
        "only-year-age": [_w("only", "still", "just"), _w("in"), _w("year"), NUM],
        "only-age": [_w("i"), _w("am"), _w("only", "just", "still", "actually", "literally", "barely"), NUM],
        "i-am-age": [_w("i"), _w("am"), NUM],
        "a-n-old-age": [_w("i"), _w("am"), _w("a"), NUM, _w("years"), _w("old")],
        "my-age-age": [_w("my"), _w("age"), _w("is"), NUM],
        "both-age": [_w("are", "were"), _w("both"), NUM],
        "we-age": [_w("we"), _w("are"), _w("both", "only", "just"), NUM],
        "at-school": [
            _w("i"),
            _w("am"),
            _ANY,
            _w("at", "in"),
            _w("secondary", "high", "primary", "middle"),
            _w("school"),
        ],
        "doing-gcses": [
            _w("doing", "sitting", "taking", "revising"),
            _ANY,
            _ANY,
            _w("gcses", "gcse", "sats"),
        ],
        "not-old-enough": [_w("i"), _w("am"), _w("not"), _w("old"), _w("enough")],
        "turn-soon-age": [_w("i"), _w("turn", "will"), _ANY, NUM, _w("next", "in", "soon", "this")],
        "turn-18": [
            _w("i"),
            _w("turn", "turned", "will"),
            _ANY,
            _w("18", "eighteen"),
            _w("next", "in", "soon"),
        ],
    },
    "child_content": {
        "keyword": [_w("cp", "csam")],
        "child-porn": [
            _w("child", "children", "kid", "kiddie"),
            _l("porn", "sexual", "pornography"),
        ],
        "abuse-material": [
            _w("child", "children", "kid"),
            _w("abuse"),
            _l("image", "material", "content", "video", "photo", "picture"),
        ],
        "indecent": [_w("indecent"), _l("image", "picture", "photo", "video")],
        "attracted": [
            _l("attract", "attracted", "attraction", "aroused", "fantasise", "fantasize", "urge"),
            _GAP,
            _w("to", "by", "about", "towards", "for"),
            _ANY,
            CHILD_OR_TEEN,
        ],
        "thoughts": [_l("thought"), _w("about", "of", "involving"), CHILD_OR_TEEN],
        "paedophile": [_w("paedophile", "paedophilic", "paedophilia")],
    },
    "sextortion": {
        "keyword-personal": [_w("sextortion", "sextorted")],
        "revenge-porn-personal": [_w("revenge"), _w("porn")],
        "being-blackmailed": [
            _w("being", "been", "am", "is", "was", "are", "get", "getting"),
            _w("blackmailed", "extorted"),
        ],
        "blackmail-me": [
            _l("blackmail", "blackmailing", "extort", "extorting"),
            _w("me", "us", "him", "her", "them"),
        ],
        "threaten-share": [
            _l("threaten", "threatening"),
            _GAP,
            _w("to"),
            _l("send", "share", "post", "leak", "expose", "show", "upload", "release"),
        ],
        "unless-pay": [_w("unless"), _w("i"), _l("pay", "send")],
        "spread-my": [
            _l("leak", "post", "spread", "upload", "share", "put", "publish", "sell", "send"),
            _w("my", "our"),
            _ANY,
            INTIMATE,
        ],
        "use-my-nudes": [
            _l("use", "using"),
            _w("my", "our"),
            _ANY,
            _w("nudes", "nude", "naked", "intimate", "explicit", "sexual"),
        ],
    },
    "abuse": {
        "partner-hurts": [
            PARTNER,
            _ANY,
            _l(
                "hit",
                "beat",
                "punch",
                "kick",
                "slap",
                "choke",
                "strangle",
                "rape",
                "assault",
                "attack",
                "push",
                "shove",
                "abuse",
                "bully",
                "lock",
                "hurt",
            ),
            _w("me", "her", "him"),
        ],
        "threaten-hurt": [_l("threaten"), _w("to"), _l("hurt", "hit", "kill", "beat", "leave"), _w("me")],
        "forces-me": [
            _l("force", "pressure", "coerce", "make"),
            _w("me", "her", "him"),
            _w("to", "into", "do", "have", "sext", "film", "send", "sleep", "sell", "perform"),
            {"OP": "{0,5}"},
            _l(
                "sex",
                "film",
                "camera",
                "cam",
                "onlyfans",
                "send",
                "do",
                "sleep",
                "have",
                "perform",
                "sell",
                "post",
                "sexual",
                "stuff",
                "thing",
                "sext",
                "other",
                "video",
                "chat",
                "people",
                "friend",
            ),
        ],
        "coerced-into": [_l("coerce", "force", "pressure", "trafficked", "groom"), _w("into")],
        "forced-himself": [_l("force"), _w("himself", "herself", "themselves"), _w("on")],
        "scared-of": [
            _l("scared", "afraid", "frightened", "terrified"),
            _w("of"),
            _w("my", "him", "her", "what"),
        ],
        "afraid-home": [_l("scared", "afraid", "frightened", "terrified"), _w("to"), _w("go"), _w("home")],
        "controls": [
            _l("control", "check", "track", "take"),
            _w("my", "her"),
            _l(
                "money",
                "phone",
                "account",
                "bank",
                "finance",
                "location",
                "wage",
                "wages",
                "salary",
                "card",
                "passport",
            ),
        ],
        "wont-let": [
            _w("will", "would"),
            _w("not"),
            _w("let"),
            _w("me", "her"),
            _l("leave", "see", "go", "have", "talk"),
        ],
        "assault": [_w("raped", "rape", "molested", "groped")],
        "sexually-assaulted": [_w("sexually"), _l("assault", "abuse", "assaulted", "abused")],
        "domestic": [_w("domestic"), _l("abuse", "violence")],
        "coercive": [
            _w("coercive", "controlling"),
            _w("control", "partner", "relationship", "husband", "wife", "boyfriend", "girlfriend"),
        ],
        "abusive-partner": [
            PARTNER,
            _w("is", "was", "gets", "got", "became"),
            _ANY,
            _w("abusive", "violent", "controlling"),
        ],
        "hits-me-if": [_l("hit", "beat", "hurt"), _w("me"), _w("if", "when", "because")],
        "no-consent": [_w("i"), _w("did", "do"), _w("not"), _w("consent", "agree", "want")],
        "believe-me": [_w("no", "nobody"), _ANY, _w("will", "would"), _w("believe"), _w("me")],
        "spiked": [_l("spike", "drug", "drugged"), _w("my", "me")],
        "throws-at-me": [
            _l("throw", "hurl"),
            {"LOWER": {"NOT_IN": ["party", "parties", "shade", "tantrum"]}, "OP": "{0,3}"},
            _w("at"),
            _w("me"),
        ],
        "assaulted-me": [
            _l("assault", "rape", "attack", "molest", "grope", "drug", "strangle", "choke"),
            _w("me"),
        ],
        "angry-when-no": [
            _w("said", "say", "says"),
            _w("no"),
            _GAP,
            _l("angry", "anyway", "ignore", "force", "still"),
        ],
        "abused-as-child": [
            _l(
                "abuse",
                "abused",
                "molest",
                "molested",
                "rape",
                "raped",
                "assault",
                "assaulted",
                "groom",
                "groomed",
                "touch",
                "touched",
            ),
            _ANY,
            _w("as", "when"),
            _w("a", "i"),
            _w("child", "kid", "teen", "teenager", "boy", "girl", "was", "youngster"),
        ],
        "showed-me-porn-past": [
            _l("show", "send", "make"),
            _w("me"),
            _ANY,
            _w("porn", "pornography", "naked", "nude", "nudes", "videos"),
        ],
        "threat-to-kill": [
            PARTNER,
            _w("would", "will", "'ll", "'d", "going", "gonna"),
            _ANY,
            _l("kill", "hurt", "hit", "beat"),
            _w("me"),
        ],
        "abused-my": [PARTNER, _w("abused", "abuses", "abusing"), _w("my", "me")],
        "survivor": [
            _w("survivor", "victim"),
            _w("of"),
            _ANY,
            _l("abuse", "rape", "assault", "incest", "grooming"),
        ],
        "locks-me": [_l("lock"), _w("me", "her"), _w("in", "out")],
    },
}

# Everyday idioms that use the same words. They never cancel a pattern match
# above; they stop the *classifier alone* from routing "I'm dying to know" or
# "my battery died" to a safety response.
IDIOMS: Dict[str, List[dict]] = {
    "crisis:dying-to": [_w("dying", "die", "died"), _w("to", "for", "of", "laughing", "laugh")],
    "crisis:thing-died": [
        _w(
            "battery",
            "phone",
            "laptop",
            "car",
            "plant",
            "signal",
            "wifi",
            "chat",
            "conversation",
            "app",
            "mood",
        ),
        _ANY,
        _w("die", "died", "dead", "dying"),
    ],
    "crisis:would-die-if": [
        _w("would", "will", "'d", "gonna"),
        _w("die", "kill"),
        _w("if", "of", "when", "for"),
    ],
    "crisis:kill-it": [_w("kill", "killed", "killing"), _w("it", "time")],
    "crisis:killing-thing": [
        _w("killing", "killed"),
        _w("my"),
        _w(
            "sleep",
            "battery",
            "vibe",
            "mood",
            "relationship",
            "marriage",
            "productivity",
            "focus",
            "evenings",
        ),
    ],
    "abuse:abuse-thing": [
        _w("abuse", "abusing", "abused"),
        _w("my", "the", "his", "her", "their"),
        _ANY,
        _w("data", "allowance", "position", "power", "trust", "privilege", "card", "time", "liver"),
    ],
    "abuse:substance-abuse": [
        _w("substance", "alcohol", "drug", "drugs", "steroid", "prescription"),
        _w("abuse"),
    ],
}

# Co-occurrence rules (single-lemma PhraseMatcher concepts that must all appear).
CONCEPTS: Dict[str, Sequence[str]] = {
    "distribute": (
        "send",
        "share",
        "post",
        "leak",
        "expose",
        "sell",
        "show",
        "spread",
        "upload",
        "publish",
        "release",
        "forward",
        "go",
    ),
    "content": (
        "nude",
        "nudes",
        "naked",
        "intimate",
        "explicit",
        "sext",
        "sexts",
        "picture",
        "pictures",
        "photo",
        "photos",
        "image",
        "images",
        "video",
        "videos",
        "recording",
        "screenshot",
        "screenshots",
        "content",
        "sextape",
        "private",
    ),
    "coerce": (
        "unless",
        "pay",
        "money",
        "bitcoin",
        "transfer",
        "demand",
        "blackmail",
        "threaten",
        "ransom",
        "hours",
        "more",
        "consent",
        "permission",
        "meet",
        "or",
    ),
    "audience": (
        "family",
        "wife",
        "husband",
        "boss",
        "parent",
        "parents",
        "contact",
        "contacts",
        "friend",
        "friends",
        "follower",
        "followers",
        "everyone",
        "everybody",
        "group",
        "online",
        "internet",
        "facebook",
        "instagram",
        "youtube",
        "twitter",
        "reddit",
        "work",
        "workplace",
        "job",
        "school",
        "colleague",
        "colleagues",
        "mum",
        "dad",
        "kid",
        "kids",
    ),
    "third_party": (
        "they",
        "he",
        "she",
        "someone",
        "somebody",
        "ex",
        "scammer",
        "guy",
        "man",
        "woman",
        "person",
        "fan",
        "stranger",
    ),
}

# Words after a number that show it is not an age ("16 tabs", "14 years on Tinder").
_NOT_AGE_AFTER = {
    "tabs", "hours", "hour", "minutes", "mins", "times", "days", "day", "weeks", "week", "months", "month",
    "%", "percent", "people", "matches", "apps", "messages", "texts", "stone", "kg", "pounds", "lbs", "quid",
    "grand", "k", "pm", "o'clock", "nights", "sites", "accounts", "profiles", "girls", "guys", "men",
    "women", "partners", "dates", "euros", "dollars", "inches", "cm", "miles", "km", "followers", "subscribers",
}  # fmt: skip
_PERSONAL = {
    "i", "me", "my", "we", "us", "our", "he", "she", "they", "him", "her", "them", "his", "their", "someone",
    "somebody", "you", "your",
}  # fmt: skip
_PAST_SELF = re.compile(
    r"\b(as a|when i was|since i was|i was|from age|at age|from the age of|at the age of|growing up|back when)\b"
)
_MONEY = {
    "money",
    "pay",
    "paid",
    "bitcoin",
    "crypto",
    "transfer",
    "£",
    "$",
    "cash",
    "payment",
    "gift",
    "giftcard",
}
_NOT_A_MINOR_BEFORE = {
    "my",
    "our",
    "his",
    "her",
    "their",
    "your",
    "two",
    "three",
    "four",
    "five",
    "have",
    "has",
}
_PARENT = re.compile(
    r"\bmy (daughter|son|child|kid|niece|nephew|stepson|stepdaughter|grandson|granddaughter|boy|girl)\b"
)
_MINOR_WORDS = {
    "schoolage",
    "child", "children", "kid", "kids", "minor", "minors", "underage", "under18", "schoolgirl", "schoolboy",
    "preteen", "preteens",
}  # fmt: skip


def _number(token_text: str) -> int | None:
    if token_text.isdigit():
        return int(token_text)
    return _NUMBER_WORDS.get(token_text)


@dataclass(frozen=True)
class Detection:
    """A route and the rule that found it (no text of the message)."""

    route: str
    rule: str


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
        return min(found, key=lambda d: ROUTES.index(d.route)) if found else None

    def explains_away(self, text: str, route: str) -> bool:
        """True when the classifier's ``route`` is not borne out by the words themselves.

        Used only when the classifier fires without the patterns: an everyday idiom
        ("I'm dying to know", "my battery died"), a bare "what is ...?" question,
        numbers that are not an age under 18 for ``under_18`` ("14 years on Tinder",
        "I'm 18"), and no images or money at all for ``sextortion``.
        """
        doc = self._nlp(normalise(text))
        idioms = {self._nlp.vocab.strings[m].split(":")[0] for m, _, _ in self._idioms(doc)}
        if route in idioms:
            return True
        words = [t.lower_ for t in doc]
        asking = words[:2] in (["what", "is"], ["what", "are"], ["what", "does"]) or words[:1] == ["define"]
        if asking and not set(words) & (_PERSONAL - {"you", "your"}):
            return True
        if route == "under_18":
            numbers = [i for i, w in enumerate(words) if _number(w) is not None]
            return bool(numbers) and not any(self._could_be_minor_age(words, i) for i in numbers)
        if route == "sextortion":
            present = {self._nlp.vocab.strings[m] for m, _, _ in self._concepts(doc)}
            return "content" not in present and not set(words) & _MONEY
        return False

    @staticmethod
    def _could_be_minor_age(words: List[str], i: int) -> bool:
        value = _number(words[i])
        if value is None or not 8 <= value <= 17:
            return False
        following = words[i + 1] if i + 1 < len(words) else ""
        if following == "years":
            return words[i + 2 : i + 3] == ["old"]
        return following not in _NOT_AGE_AFTER

    def _detect_normalised(self, text: str) -> Detection | None:
        doc = self._nlp(text)
        found: Dict[str, str] = {}
        for match_id, start, end in self._matcher(doc):
            rule = self._nlp.vocab.strings[match_id]
            if self._rule_holds(rule, doc, doc[start:end]):
                found.setdefault(rule.split(":")[0], rule)
        if "child_content" not in found and self._minor_in_sexual_context(doc):
            found["child_content"] = "child_content:minor-in-sexual-context"
        if "sextortion" not in found and self._image_threat(doc):
            found["sextortion"] = "sextortion:image-threat"
        for route in ROUTES:
            if route in found:
                return Detection(route, found[route])
        return None

    def _rule_holds(self, rule: str, doc: Doc, span: Span) -> bool:
        name = rule.split(":", 1)[1]
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
        if name.endswith("-past"):  # "when I was a child someone showed me porn"
            return bool(_PAST_SELF.search(doc.text))
        if name.endswith("-personal"):  # "what is sextortion?" asks, it does not disclose
            return any(t.lower_ in _PERSONAL for t in doc)
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
        return following not in _NOT_AGE_AFTER

    def _minor_in_sexual_context(self, doc: Doc) -> bool:
        """Someone under 18, by age or by word, within a few words of sexual content."""
        words = [t.lower_ for t in doc]
        sexual = [i for i, t in enumerate(doc) if t.lemma_ in SEXUAL or t.lower_ in SEXUAL]
        if not sexual:
            return False
        minors = []
        for i, word in enumerate(words):
            if _PAST_SELF.search(" ".join(words[max(i - 4, 0) : i + 1])):
                continue  # "as a child", "when I was 12", "from age 12": the visitor's own past
            previous = words[i - 1] if i else ""
            if word in _MINOR_WORDS and previous not in _NOT_A_MINOR_BEFORE and not previous.isdigit():
                minors.append(i)
                continue
            value = _number(word)
            if value is None or not 8 <= value <= 17:
                continue
            following = words[i + 1] if i + 1 < len(words) else ""
            if following == "years" and i + 2 < len(words) and words[i + 2] == "old":
                minors.append(i)
            elif previous == "year" and words[i - 2 : i - 1] == ["in"] and value <= 11:
                if not _PARENT.search(" ".join(words[max(i - 6, 0) : i])):
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
                parent = _PARENT.search(" ".join(words[max(i - 6, 0) : i]))
                if following not in _NOT_AGE_AFTER and words[max(i - 2, 0)] != "i" and not parent:
                    minors.append(i)
        return any(abs(m - x) <= 25 for m in minors for x in sexual)

    def _image_threat(self, doc: Doc) -> bool:
        """Intimate content, a way of spreading it, and coercion or a third party spreading 'my' content."""
        present = {self._nlp.vocab.strings[match_id] for match_id, _, _ in self._concepts(doc)}
        words = {t.lower_ for t in doc}
        money = words & _MONEY
        if {"content", "third_party"} <= present and money and words & {"my", "our"}:
            return True  # "they have my video and want money"
        threat = words & {"otherwise", "unless", "or"}
        if {"distribute", "third_party"} <= present and money and threat:
            return True  # "I paid once and now they want more, otherwise they'll leak everything"
        if not {"distribute", "content"} <= present:
            return False
        if "coerce" in present and words & _PERSONAL:
            return True
        return {"audience", "third_party"} <= present and bool(words & {"my", "our"})


def detect_all(detector: SafetyDetector, texts: Iterable[str]) -> List[Detection | None]:
    """Convenience for evaluation scripts."""
    return [detector.detect(text) for text in texts]
