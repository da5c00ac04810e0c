"""The safety rules: spaCy Matcher token patterns per route, idioms, co-occurrence concepts and word lists."""

from __future__ import annotations

import re
from typing import Dict, List, Sequence

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
        "not-around": [
            _w("cannot", "not"),
            _w("see"),
            _w("myself"),
            _ANY,
            _w("being", "be"),
            _w("around", "here", "alive"),
        ],
        "how-easy": [_w("how"), _w("easy"), _w("it"), _w("would", "will"), _w("be")],
        "harm-emoji": [_w("knife", "blade", "razor"), _ANY, _w("blood", "bleed", "bleeding")],
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
        "asking-for-me-age": [
            NUM,
            _w("years"),
            _w("old"),
            {"OP": "{0,12}"},
            _w("asking"),
            _w("for"),
            _w("me", "myself"),
        ],
        "turn-18": [
            _w("i"),
            _w("turn", "will"),
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
        "younger-and-younger": [_w("younger"), _w("and"), _w("younger")],
        "getting-younger": [
            _w("getting", "look", "looked", "looking", "looks"),
            _w("younger", "underage", "very"),
        ],
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
        "paid-want-more": [
            _l("pay", "paid", "send", "sent"),
            {"OP": "{0,4}"},
            _w("want", "wants", "asking", "demanding", "demand"),
            _w("more"),
        ],
        "fake-account": [
            _w("fake"),
            _w("account", "profile", "onlyfans", "page", "instagram"),
            {"OP": "{0,3}"},
            _w("my"),
        ],
        "going-round": [
            _w("my", "our"),
            INTIMATE,
            _w("are", "is", "were", "was", "have", "has"),
            _ANY,
            _w("going", "being", "been", "getting"),
            _w("round", "passed", "around", "shared", "posted", "leaked", "spread", "sent"),
        ],
        "recorded-my": [
            _l("record", "recorded", "screenrecord", "screenshot", "film", "filmed"),
            _w("my", "our", "me"),
            _ANY,
            _w("show", "video", "call", "stream", "nudes", "cam"),
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
            _w(
                "to",
                "into",
                "do",
                "have",
                "sext",
                "film",
                "send",
                "sleep",
                "sell",
                "perform",
                "set",
                "start",
                "open",
                "join",
            ),
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
                "porn",
                "watch",
                "copy",
                "act",
            ),
        ],
        "coerced-into": [_l("coerce", "force", "pressure", "trafficked", "groom"), _w("into")],
        "forced-himself": [_l("force"), _w("himself", "herself", "themselves"), _w("on")],
        # Afraid of a person, never of a feeling or of what someone will think
        # ("scared of what my wife will say" is a worry, not abuse).
        "scared-of": [_l("scared", "afraid", "frightened", "terrified"), _w("of"), _w("him", "her")],
        "scared-of-partner": [
            _l("scared", "afraid", "frightened", "terrified"),
            _w("of"),
            _w("my"),
            _l(
                "partner",
                "husband",
                "wife",
                "boyfriend",
                "girlfriend",
                "bf",
                "gf",
                "ex",
                "fiance",
                "fiancee",
                "dad",
                "father",
                "stepdad",
                "mum",
                "mom",
                "mother",
                "brother",
                "uncle",
                "pimp",
                "manager",
                "flatmate",
            ),
        ],
        "scared-of-what-he-does": [
            _l("scared", "afraid", "frightened", "terrified"),
            _w("of"),
            _w("what"),
            _w("he", "she", "he'll", "she'll", "he'd", "she'd"),
            _l("do", "will", "would", "might", "could", "'ll", "'d"),
        ],
        "afraid-home": [_l("scared", "afraid", "frightened", "terrified"), _w("to"), _w("go"), _w("home")],
        "controls": [
            _l("control", "check", "track", "take", "keep", "hold"),
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
        # Past tense only for "agree"/"want": "I don't want to give my number" is not a disclosure.
        "no-consent": [_w("i"), _w("did"), _w("not"), _w("consent", "agree", "want")],
        "no-consent-now": [_w("i"), _w("do"), _w("not"), _w("consent")],
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
        "did-not-stop": [
            _w("not"),
            _w("stop"),
            _GAP,
            _w("said", "asked", "told", "begged"),
            _ANY,
            _w("stop", "no"),
        ],
        "what-he-wants-sexually": [_w("what"), _w("he", "she", "they"), _l("want"), _w("sexually")],
        "locks-me": [_l("lock"), _w("me", "her"), _w("in", "out")],
    },
}

# Everyday idioms that use the same words. They never cancel a pattern match
# above; they stop the *classifier alone* from routing "I'm dying to know" or
# "my battery died" to a safety response.
IDIOMS: Dict[str, List[dict]] = {
    "any:dying-to": [_w("dying", "die", "died"), _w("to", "for", "of", "laughing", "laugh")],
    "any:thing-died": [
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
    "any:would-die-if": [
        _w("would", "will", "'d", "gonna"),
        _w("die", "kill"),
        _w("if", "of", "when", "for"),
    ],
    "any:kill-it": [_w("kill", "killed", "killing"), _w("it", "time")],
    "any:killing-thing": [
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
# Places that turn "how easy it would be" into a crisis statement.
DANGER_PLACES = {"edge", "platform", "bridge", "roof", "ledge", "train", "jump", "cliff", "tracks", "balcony"}
# Words that put "looked underage" or "younger and younger" into a sexual-content context.
SEARCH_WORDS = {
    "downloaded",
    "download",
    "folder",
    "files",
    "file",
    "site",
    "searching",
    "search",
    "searched",
}

CONCEPTS: Dict[str, Sequence[str]] = {
    "distribute": (
        "repost",
        "reposting",
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
        "screenshotted",
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
NOT_AGE_AFTER = {
    "tabs", "hours", "hour", "minutes", "mins", "times", "days", "day", "weeks", "week", "months", "month",
    "%", "percent", "people", "matches", "apps", "messages", "texts", "stone", "kg", "pounds", "lbs", "quid",
    "grand", "k", "pm", "o'clock", "nights", "sites", "accounts", "profiles", "girls", "guys", "men",
    "women", "partners", "dates", "euros", "dollars", "inches", "cm", "miles", "km", "followers", "subscribers",
}  # fmt: skip
PERSONAL = {
    "i", "me", "my", "we", "us", "our", "he", "she", "they", "him", "her", "them", "his", "their", "someone",
    "somebody", "you", "your",
}  # fmt: skip
PAST_SELF = re.compile(
    r"\b(as a|when i was|since i was|i was|from age|at age|from the age of|at the age of|growing up|back when)\b"
)
MONEY = {
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
NOT_A_MINOR_BEFORE = {
    "the",
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
PARENT = re.compile(
    r"\bmy (daughter|son|child|kid|niece|nephew|stepson|stepdaughter|grandson|granddaughter|boy|girl)\b"
)
MINOR_WORDS = {
    "schoolage",
    "child", "children", "kid", "kids", "minor", "minors", "underage", "under18", "schoolgirl", "schoolboy",
    "preteen", "preteens",
}  # fmt: skip

# A visitor not yet 18, said without their age as a number under 18 (docs/safety.md,
# under_18.turning_18, under_18.age_shorthand, a stated age in other Englishes). Checked on the
# normalised text; a past ("when I turned 18 in 2009", "since I was 18") never counts.
_TIME = (
    r"(?:(?:like|about|around|only|just|a|a few|few|couple of|a couple of|\d+|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve)\s+){0,2}(?:days?|weeks?|months?|wks?|mths?)|"
    r"january|february|march|april|june|july|august|september|october|november|december|jan|feb|sept?|oct|nov|dec|"
    r"the summer|the spring|the autumn|the fall|the winter|summer|spring|autumn|winter|a bit|a while|the new year"
)
NOT_YET_18 = re.compile(
    r"\b(?:(?:i will|i'll|ill|i am going to|i'm going to|im gonna|i am gonna|gonna)\s+(?:be|turn)\s+(?:18|eighteen)"
    r"|i (?:turn|am turning|'m turning|m turning)\s+(?:18|eighteen)"
    r"|turning\s+(?:18|eighteen)\s+(?:in|next|this|soon)"
    r"|i will have\s+(?:18|eighteen)\s+years"
    r"|(?:18|eighteen)\s+in\s+(?:" + _TIME + r")\b"
    r"|(?:nearly|almost|basically|practically|literally|pretty much|not quite|nearly an adult and)\s+(?:18|eighteen)\b(?!\s*(?:years?|yrs?|months?|hours?|times?|%|\+))"
    r"|(?:days?|weeks?|months?|mths?)\s+(?:off|from|away from|until|till|til|before i am|before i turn|before i'm)\s+(?:18|eighteen)\b(?!\s*(?:years?|yrs?))"
    r")"
)
PAST_18 = re.compile(r"\b(?:turned|was|since|when i|back when|at|after i)\s+(?:\w+\s+){0,2}(?:18|eighteen)\b")
# "15m", "16 f", "14 nb": an age with a gender, the way teenagers introduce themselves.
AGE_SHORTHAND = re.compile(
    r"(?:^|\(\s*|[,.!]\s*|\b(?:i am|im|i'm|me|hi|hey|hello|asl|age)\s+)(1[1-7])\s?(?:m|f|nb|ftm|mtf|male|female)\b"
)
# "I have 15 years" (a stated age in the words of Spanish, French, Italian or Portuguese speakers).
HAVE_YEARS = re.compile(
    r"\bi (?:have|am having|has)\s+(1[0-7]|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)\s+years?\b"
    r"(?!\s+(?:of|in|on|with|married|together|experience|since|doing|using|now on|clean|sober|into))"
)

# The visitor gives their own adult age ("I'm 34", "im 38 relax"): no age rule makes them under 18.
ADULT_SELF_AGE = re.compile(r"\bi am (?:1[89]|[2-9]\d)\b(?!\s*(?:%|times|hours|days|weeks|months|minutes))")
# A crisis said not to be there ("not suicidal", "no thoughts of ending my life", "I don't want
# to hurt myself"): a crisis pattern in such a message needs the classifier's support too.
DENIED_CRISIS = re.compile(
    r"\b(?:not|never|no|nor|do not|don't|dont|am not|i'm not|im not|without|isn't|nothing)\s+"
    r"(?:\w+\s+){0,3}?(?:suicidal|suicide|thoughts? of|kill(?:ing)? myself|hurt(?:ing)? myself|harm(?:ing)? myself|"
    r"end(?:ing)? (?:it|my life|things)|in (?:a )?crisis|in danger|unalive|kms|going to do anything)"
)
