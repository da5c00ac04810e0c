"""Cue patterns per theme, in the form spaCy's matchers take them.

A cue is either a phrase (matched on lemmas with a ``PhraseMatcher``) or a token
pattern (a ``Matcher`` pattern; ``LEMMA`` lists also match however the lookup
lemmatizer reduces each listed word). Every cue has a mode, which says what a
negation near it means (see ``assistant.reflection.polarity``):

- ``state``: a feeling or experience; "not bored", "never anxious", "no shame" cancel it.
- ``topic``: a thing or time in someone's life; only a negation bound to it cancels it
  ("no partner", "never at night"), not one on a nearby verb ("I don't look at my wife").
- ``absent``: something whose absence is itself the theme ("can't sleep", "no routine",
  "she doesn't trust me"); only "doesn't affect my sleep" or "my sleep is fine" cancel it.
- ``fixed``: the pattern carries its own polarity ("can't stop", "nobody knows"); kept.
- ``wish``: a value the visitor wants (honesty, control); needs a wish in the sentence
  ("I'd like", "want", "instead", "more ...", "to ..." or a bare answer), else ``state``.
- ``after``: a feeling that counts as shame only in a sentence about afterwards
  ("awful after"); ``unless_after``: the same words as low mood when nothing says after.

Text is normalised first (``assistant.reflection.normalise``): lower case, "n't" -> " not",
"i'm" -> "i am", "2am" -> "smallhours".
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Dict, List, Sequence, Union

Spec = Dict[str, Any]
Pattern = List[Spec]
Cue = Union[str, Pattern]


class Mode(str, Enum):
    """How negation near a cue is read."""

    STATE = "state"
    TOPIC = "topic"
    ABSENT = "absent"
    FIXED = "fixed"
    WISH = "wish"
    AFTER = "after"
    UNLESS_AFTER = "unless_after"


def w(*words: str, op: str | None = None) -> Spec:
    """A token whose lower-case text is one of ``words``."""
    spec: Spec = {"LOWER": {"IN": list(words)}}
    return {**spec, "OP": op} if op else spec


def lem(*words: str, op: str | None = None) -> Spec:
    """A token whose lemma is (the lemma of) one of ``words``."""
    spec: Spec = {"LEMMA": {"IN": list(words)}}
    return {**spec, "OP": op} if op else spec


def opt(spec: Spec) -> Spec:
    """``spec`` made optional."""
    return {**spec, "OP": "?"}


# fmt: off
ANY: Spec = {"LEMMA": {"NOT_IN": ["not", "no", "never"]}, "IS_PUNCT": False, "OP": "?"}  # one optional word
SENT_START: Spec = {"IS_SENT_START": True}
NEG = lem("not", "no", "never")
ADV = w(
    "so", "really", "very", "quite", "pretty", "bit", "little", "kind", "of", "totally", "completely",
    "super", "still", "more", "less", "too", "fully", "properly", "actually", "just", "even",
    "genuinely", "truly", "a", "ever", "always", "constantly", "sometimes", "often", "usually",
    op="?",
)
FEELISH = lem("feel", "be", "get", "seem", "look", "make")
PARTNERS = (
    "partner", "wife", "husband", "girlfriend", "boyfriend", "fiancé", "spouse", "missus", "other", "half",
)
KNOWERS = ("she", "he", "they", "family", "parents", "friends", "kids", "nobody") + PARTNERS
OTHERS_ASLEEP: Pattern = [
    w("kids", "children", "baby", "wife", "husband", "partner", "he", "she", "they", "everyone", "family",
      "girlfriend", "boyfriend", "son", "daughter", "house", "household"),
    opt(w("are", "is", "have", "has", "'s", "go", "goes", "went", "gone", "finally", "both", "all", "in")),
    opt(w("are", "is", "have", "has", "gone", "been", "finally", "off", "in")),
    opt(w("to", "in", "off")),
    w("bed", "asleep", "sleep", "sleeping"),
]
WANTED = (
    "wanted", "desired", "desirable", "attractive", "sexy", "noticed", "special", "chosen", "valued",
    "fancied", "appreciated", "admired", "beautiful", "gorgeous", "irresistible", "heard", "worthy", "loved",
)
BAD_FEELINGS = (
    "awful", "terrible", "horrible", "rubbish", "crap", "crappy", "shit", "shite", "shitty", "lousy", "rotten",
)

CUES: Dict[str, Dict[Mode, Sequence[Cue]]] = {
    # --- focus_attachment ------------------------------------------------------------
    "loneliness": {
        Mode.STATE: [
            "lonely", "loneliness", "lonesome", "alone", "isolated", "isolation", "isolating",
            "disconnected", "cut off", "on my own", "by myself", "left out",
            [w("someone", "somebody", "anyone", "anybody"), w("to"), lem("talk", "chat", "speak")],
            [w("no", "nobody"), opt(w("one")), w("to"), lem("talk", "turn", "chat", "speak")],
            [w("no"), w("friends", "mates", "company", "social")],
            [w("empty"), w("house", "flat", "home", "bed", "apartment", "room")],
            [w("house", "flat", "home", "room", "place"), lem("be"), ADV, w("empty")],
            [w("for", "some", "any", "need", "want", "miss", "missing", "crave", "craving"), w("company")],
            [{**SENT_START, "LOWER": "company"}],
        ],
    },
    "rejection": {
        Mode.STATE: [
            "rejected", "rejection", "reject", "unwanted", "unloved", "unlovable", "overlooked", "invisible",
            "unattractive", "ugly", "worthless", "inadequate", "insecure", "insecurity", "insecurities",
            "unheard", "unappreciated", "undesirable", "failure", "self esteem", "self worth",
            "taken for granted", "left on read", "ghost", "ghosted",
            [w("ignored")],
            [lem("ignore"), w("me", "my")],
            [lem("turn"), w("me", "us"), w("down")],
            [w("turned"), w("down")],
            [w("low", "no", "zero"), opt(w("self")), w("confidence")],
            [w("knock", "blow", "dent", "hit"), w("to"), w("my"), w("confidence", "ego", "self")],
        ],
        Mode.FIXED: [
            [NEG, ADV, opt(FEELISH), ADV, ADV, w(*WANTED, "pretty", "interesting")],
            [NEG, ADV, w("good", "attractive", "pretty", "interesting", "sexy", "fit", "thin"), w("enough")],
            [w("am"), NEG, ADV, w("enough")],
            [w("nobody"), ADV, opt(lem("have", "do", "will", "would", "ever")),
             lem("want", "fancy", "notice", "love", "like", "care", "message", "text", "reply", "choose", "desire",
                 "match", "pick", "see")],
            [w("no"), w("one"), ADV, opt(lem("have", "do", "will", "would", "ever")),
             lem("want", "fancy", "notice", "love", "like", "care", "message", "text", "reply", "choose", "desire",
                 "match", "pick", "see")],
            [NEG, ADV, lem("want", "fancy", "touch", "notice", "desire", "look", "find", "choose", "kiss"),
             opt(w("at")), w("me")],
            [NEG, ADV, w("interested", "into", "attracted"), w("in", "to"), w("me")],
            [NEG, ADV, lem("text", "message", "reply", "write", "call", "respond", "answer"), w("back")],
            [w("no"), w("replies", "reply", "matches", "match", "messages", "likes", "response", "responses")],
            [NEG, ADV, lem("matter"), w("to")],
        ],
    },
    "validation": {
        Mode.STATE: [
            "validation", "validate", "validated", "attention", "compliment", "compliments", "complimented",
            "flattering", "flattered", "flattery", "ego", "ego boost", "reassurance", "reassured",
            "affirmation", "approval", "admiration", "confidence boost",
            [FEELISH, ADV, ADV, opt(w("like")), ANY, opt(w("and")), w(*WANTED, "seen", "important")],
            [w("someone", "somebody", "people", "anyone", "they", "he", "she"), opt(w("to")), ADV,
             opt(lem("be")), ADV, w("nice", "kind", "sweet", "interested", "into"), w("to", "in"), w("me")],
            [lem("listen"), w("to"), w("me")],
            [w("someone", "somebody", "people", "they"), ADV, lem("want", "see", "notice", "desire", "fancy", "choose"),
             w("me")],
            [lem("think", "find", "say", "call", "tell"), opt(w("me", "i")), opt(lem("be")), ADV,
             w("fit", "hot", "sexy", "attractive", "gorgeous", "beautiful", "pretty", "cute", "fanciable")],
            [lem("fancy"), w("me")],
            [lem("chat"), w("up")],
            [lem("matter"), w("to"), w("someone", "somebody", "anyone", "people", "them", "him", "her")],
            [w("like"), w("i"), lem("matter")],
            [lem("feel", "be"), ADV, w("good"), w("about"), w("myself", "my")],
        ],
    },
    # --- focus_dopamine --------------------------------------------------------------
    "boredom": {
        Mode.STATE: [
            "bored", "boredom", "boring", "dull", "tedious", "kill time", "killing time", "time to kill",
            "pass the time", "pass time", "nothing to do", "nothing else to do", "nothing better to do",
        ],
    },
    "excitement": {
        Mode.STATE: [
            "thrill", "thrilling", "excitement", "excited", "exciting", "exhilarating", "exhilaration",
            "adrenaline", "dopamine", "novelty", "anticipation", "anticipate", "the unknown", "butterflies",
            "spark", "danger", "dangerous", "naughty", "forbidden", "risky", "alive", "buzz", "buzzing",
            "look forward", "on top of the world", "slot machine", "slot machines", "lottery", "jackpot",
            [w("a", "the", "that", "this", "what", "such", "quick", "little", "big", "instant"), w("rush")],
            [{**SENT_START, "LOWER": "rush"}],
            [w("a", "the", "that", "natural", "quick", "little", "big", "instant"), w("high")],
            [w("a", "the", "my", "for", "get", "gives", "give"), w("kick", "kicks")],
            [w("someone", "somebody", "something"), w("new")],
            [w("new"), w("people", "person", "guy", "guys", "girl", "girls", "man", "men", "woman", "women",
                       "match", "matches", "faces", "face", "messages", "message", "someone", "profiles")],
        ],
    },
    "chasing": {
        Mode.STATE: [
            "scroll", "swipe", "refresh", "compulsive", "compulsively", "compulsion", "hooked", "addicted",
            "addiction", "addictive", "obsessed", "obsessive", "obsessing", "obsession", "habit", "autopilot",
            "auto pilot", "automatic", "automatically", "trance", "on repeat", "over and over",
            "again and again", "rabbit hole", "binge", "binging", "bingeing", "craving", "cravings", "crave",
            "urge", "urges", "itch", "chase", "chasing", "the next one", "next match", "lose track",
            "track of time", "endless", "endlessly", "lose control", "losing control", "one more",
            "more and more", "unsatisfied", "unfulfilled", "dissatisfied", "sucked in", "time flies",
            "screen time", "glued to",
            [w("checking")],
            [lem("check"), w("the", "my", "app", "apps", "phone", "messages", "notifications", "matches", "it",
                             "them", "again", "constantly", "every", "if", "for", "whether")],
            [lem("keep"), w("swiping", "scrolling", "checking", "going", "coming", "looking", "refreshing",
                            "doing", "opening", "clicking")],
            [w("for", "spend", "spent", "spending", "wasted", "waste", "wasting", "lose", "losing", "lost",
               "literally", "whole"), w("hours", "ages")],
            [w("hours", "time", "evenings", "nights", "days"), ADV, lem("go", "pass", "disappear", "vanish", "fly",
                                                                          "slip", "drift")],
            [w("always", "still", "just", "keep"), lem("want"), w("more")],
            [lem("lose", "waste"), opt(w("a", "the", "my", "whole", "entire")), opt(w("whole", "entire")),
             w("evening", "evenings", "night", "afternoon", "afternoons", "weekend", "weekends", "day")],
            [w("just"), w("what"), w("i"), w("do")],
            [lem("do"), w("it", "this"), w("again")],
        ],
        Mode.FIXED: [
            [NEG, ADV, w("enough")],
            [NEG, lem("get"), w("enough")],
            [NEG, ADV, opt(lem("feel")), w("satisfied", "fulfilled", "satisfying", "fulfilling")],
            [lem("can", "could"), NEG, opt(w("seem")), opt(w("to")), ADV, lem("stop", "resist")],
            [w("hard", "impossible"), w("to"), lem("stop", "resist")],
            [lem("can", "could"), NEG, lem("put"), opt(w("it", "my", "the")), opt(w("phone")), w("down")],
            [w("without"), w("thinking")],
            [w("out"), w("of"), w("control")],
        ],
    },
    "shame_after": {
        Mode.STATE: [
            "shame", "ashamed", "shameful", "guilt", "guilty", "regret", "regrets", "regretful", "remorse",
            "embarrassed", "embarrassing", "embarrassment", "disgust", "disgusted", "disgusting", "gross",
            "sleazy", "seedy", "pathetic", "self loathing", "hate myself", "sick of myself", "loser",
            "emptiness", "hollow", "dead inside", "crash", "come down", "comedown", "dirty", "empty", "creep",
            "creepy", "perv", "pervert",
            [lem("feel"), ADV, w("cheap", "used")],
            [lem("hate"), w("that", "how"), w("i"), w("do", "did", "keep", "still")],
        ],
        Mode.FIXED: [
            [NEG, ADV, w("proud")],
        ],
        Mode.AFTER: [
            [w(*BAD_FEELINGS)],
            [lem("feel"), ADV, opt(w("like")), w("bad", "worse")],
        ],
    },
    # --- focus_somatic ---------------------------------------------------------------
    "anxiety_stress": {
        Mode.STATE: [
            "anxious", "anxiety", "anxieties", "stress", "stressed", "stressful", "worry", "worried",
            "worries", "nervous", "nerves", "panic", "panicky", "panicking", "overwhelmed", "overwhelm",
            "overwhelming", "overthinking", "overthink", "tense", "tension", "pressure", "on edge", "uneasy",
            "wound up", "frazzled", "dread", "dreading", "scared", "afraid", "terrified", "fear", "burnt out",
            "burned out", "burnout", "racing thoughts", "edgy",
            [w("mind", "thoughts", "head", "brain"), opt(lem("be", "keep", "start")), ADV,
             w("racing", "race", "races", "spinning", "whirring")],
        ],
        Mode.FIXED: [
            # "my mind won't stop racing" (GUIDELINE: racing mind)
            [w("mind", "thoughts", "head", "brain"), lem("will", "can", "do"), NEG, ADV, lem("stop"),
             w("racing", "spinning", "whirring")],
            [lem("can", "could"), NEG, ADV, w("relax", "unwind", "switch", "settle", "calm", "cope", "breathe")],
        ],
    },
    "escape_soothing": {
        Mode.STATE: [
            "escape", "escapism", "escapist", "numb", "numbing", "switch off", "zone out", "tune out",
            "comfort", "comforting", "soothe", "soothing", "self soothe", "calm", "calming", "relax",
            "relaxing", "unwind", "wind down", "relief", "relieved", "release", "cope", "coping",
            "edge off", "safe space", "procrastinate", "procrastinating", "procrastination", "forget",
            "feel better", "take my mind off", "get away from", "blot out", "shut off", "crutch",
            "self medicate",
            [w("distraction", "distractions", "distracts", "distracting")],
            [lem("feel"), ADV, w("safe")],
            [lem("be"), w("someone", "somebody"), w("else")],
            [w("a"), w("break"), w("from")],
            # "it makes the loneliness go away for a bit"
            [lem("make"), opt(w("the", "my", "it", "that", "everything")), opt(ANY), w("go"), w("away")],
        ],
    },
    "body_sensations": {
        Mode.STATE: [
            "restless", "restlessness", "wired", "jittery", "jitters", "fidgety", "fidgeting", "shaky",
            "shaking", "trembling", "sweaty", "sweating", "flushed", "palpitations", "headache", "headaches",
            "migraine", "tired", "tiredness", "exhausted", "exhaustion", "knackered", "drained", "wiped out",
            "fatigue", "fatigued", "overtired", "zombie", "heavy", "horny", "aroused", "arousal", "tingly",
            "achy", "aching", "eye strain", "worn out", "jumpy", "twitchy",
            [w("turned"), w("on")],
            [lem("be", "feel", "get"), ADV, w("shattered")],
            [w("heart"), opt(w("'s", "is", "was", "keeps", "starts", "goes")), ADV,
             w("racing", "race", "races", "pounding", "pounds", "thumping", "hammering", "beating")],
            [w("racing", "pounding", "thumping"), w("heart")],
            [w("tight", "tense", "sore", "stiff", "aching", "achy", "clenched", "knotted"),
             w("chest", "shoulders", "shoulder", "jaw", "neck", "back", "stomach", "muscles", "body", "eyes",
               "head")],
            [w("chest", "shoulders", "jaw", "neck", "back", "stomach", "eyes", "head", "body", "legs"),
             opt(lem("be", "feel", "get")), ADV,
             w("tight", "tense", "sore", "stiff", "ache", "aches", "aching", "hurt", "hurts", "hurting",
               "pounding", "clenched", "knotted")],
            [w("stomach", "gut", "tummy"), opt(lem("be")), opt(w("in", "tied")), opt(w("a", "in")),
             w("knot", "knots")],
            [w("knot", "knots"), w("in"), w("my"), w("stomach", "gut")],
            [w("in", "from", "my"), w("body")],
        ],
        Mode.FIXED: [
            [lem("can", "could"), NEG, w("sit", "keep", "stay"), w("still")],
        ],
    },
    # --- focus_relational ------------------------------------------------------------
    "secrecy": {
        Mode.STATE: [
            "secret", "secrets", "secretly", "secrecy", "secretive", "hide", "lie", "liar", "cover up",
            "cover my tracks", "sneak", "sneaking", "sneaky", "snuck", "incognito", "private browsing",
            "private mode", "burner", "second phone", "separate account", "fake account", "fake profile",
            "fake name", "double life", "pretend", "pretending", "face down",
            [lem("delete", "clear", "wipe"), opt(w("the", "my", "all", "every", "our")),
             w("chats", "chat", "messages", "texts", "history", "evidence", "conversations", "photos", "pics",
               "browser", "search", "tabs", "notifications")],
            [w("lock", "locked", "locking"), opt(w("my", "the")), w("phone")],
        ],
        Mode.ABSENT: [
            [lem("be", "get"), ADV, w("caught")],
            [w("caught"), w("me", "him", "her", "out")],
            [lem("catch"), w("me")],
            [lem("find"), w("out")],
            [lem("find"), opt(w("the", "my", "his", "her", "all")), opt(w("second")),
             w("messages", "chats", "texts", "app", "apps", "phone", "profile", "account", "history", "photos",
               "pics", "conversations")],
        ],
        Mode.FIXED: [
            [w(*KNOWERS), opt(w("do", "does", "did", "will", "would", "can", "could", "has", "have")), NEG, ADV,
             lem("know", "see", "notice", "suspect")],
            [w("nobody"), opt(ANY), opt(ANY), opt(ANY), lem("know")],
            [w("no"), w("one"), opt(ANY), opt(ANY), opt(ANY), lem("know")],
            [w(*KNOWERS), lem("have"), w("no"), w("idea", "clue")],
            [NEG, ADV, lem("tell", "mention"), w("her", "him", "them", "anyone", "anybody", "my", "a")],
            [w("without"), opt(w("my", "her", "his", "anyone", "anybody", "them", "their")), opt(w(*PARTNERS)),
             w("knowing", "noticing", "finding", "seeing")],
            [w("behind"), opt(w("my", "her", "his", "their", "our")), opt(w(*PARTNERS)), opt(w("'s")), w("back")],
            [w("so", "case", "if"), w("she", "he", "they", "nobody", "anyone", "someone", "somebody", "people"),
             opt(w("will", "would", "can", "could", "might", "does", "do")), opt(NEG), lem("see", "find", "know",
                                                                                      "notice")],
            [w("someone", "anyone", "somebody", "people"), lem("see"), w("my"), w("screen", "phone")],
        ],
    },
    "partner_trust": {
        Mode.TOPIC: [
            "partner", "wife", "husband", "girlfriend", "boyfriend", "fiancé", "spouse", "other half",
            "marriage", "married", "relationship", "long distance", "divorce", "break up", "broke up",
            "breakup", "date night",
            [w("separated")],
            [w("my", "an", "the", "her", "his"), w("ex", "exes")],
            [lem("be"), w("together")],
        ],
        Mode.ABSENT: [
            "trust", "cheat", "cheating", "affair", "affairs", "infidelity", "unfaithful", "betray", "betrayal",
            "betrayed", "argument", "arguments", "argue", "arguing", "sex life", "distant from",
            [w("a", "our", "the", "huge", "big", "another", "massive"), w("row", "rows")],
            [w("we"), ADV, opt(w("do", "did", "have", "has")), opt(NEG), ADV, lem("have"), w("sex")],
        ],
        Mode.FIXED: [
            [w("we"), opt(w("do", "did")), NEG, ADV, lem("talk", "speak", "touch", "kiss", "cuddle", "connect")],
        ],
    },
    # --- focus_lifestyle -------------------------------------------------------------
    "sleep": {
        Mode.ABSENT: [
            "sleep", "asleep", "insomnia", "sleepless", "awake", "wake up", "bedtime", "night time",
            "night owl", "stupid o'clock", "silly o'clock", "ungodly hour", "ungodly hours", "all hours",
            [w("before", "in", "to", "into"), w("bed")],
        ],
        Mode.TOPIC: [
            [w("at", "late", "all"), w("night", "nights")],
            [w("through"), w("the"), w("night")],
            [lem("stay"), w("up")],
            [w("up"), w("late", "till", "until", "til")],
            [w("up"), w("at"), w("smallhours")],
            [w("till", "until", "til"), w("late", "1", "2", "3", "4", "5", "one", "two", "three", "four", "five")],
            [w("smallhours")],
        ],
    },
    "exercise": {
        Mode.ABSENT: [
            "exercise", "gym", "workout", "workouts", "work out", "run", "jog", "jogging", "cycle", "cycling",
            "bike", "biking", "swim", "swimming", "walk", "hike", "hiking", "yoga", "pilates", "sport",
            "sports", "football", "five a side", "tennis", "active", "inactive", "sedentary", "fresh air",
            "get outside", "go outside", "move", "movement",
            [w("training")],
        ],
    },
    "mood_energy": {
        Mode.STATE: [
            "depressed", "depression", "depressing", "low mood", "sad", "sadness", "unhappy", "miserable",
            "fed up", "glum", "gloomy", "hopeless", "funk", "slump", "moody", "irritable", "grumpy", "snappy",
            "sluggish", "lethargic", "lethargy", "unmotivated", "demotivated", "mood",
            [w("feel", "feeling", "felt", "am", "be", "being", "get", "getting", "bit", "so", "really", "pretty",
               "quite", "very", "little", "or", "and", "is", "was", "been"), w("down")],
            [w("feel", "feeling", "felt", "am", "be", "being", "get", "getting", "bit", "so", "really", "pretty",
               "quite", "very", "little", "or", "and", "is", "was", "been"), w("low")],
            [w("feel", "feeling", "felt", "bit", "so", "pretty", "quite", "more", "really", "just", "am",
               "kind"), w("flat")],
        ],
        Mode.ABSENT: ["energy"],
        Mode.FIXED: [
            [w("no", "low", "zero", "lack", "little"), opt(w("of")), w("energy", "motivation")],
            [w("energy", "motivation"), opt(lem("be")), ADV, w("low", "gone", "zero", "rubbish", "shot")],
            [lem("can", "could"), NEG, lem("be"), w("bothered", "arsed", "assed")],
        ],
        Mode.UNLESS_AFTER: [
            [lem("feel"), ADV, opt(w("like")), w(*BAD_FEELINGS)],
            [w(*BAD_FEELINGS), w("i"), lem("feel")],
        ],
    },
    "work_routine": {
        Mode.TOPIC: [
            "office", "shift", "deadline", "boss", "colleague", "coworker", "commute", "commuting", "lunch",
            "uni", "university", "weekend", "workday", "working day", "overtime", "workload",
            [w("evening", "evenings", "morning", "mornings")],
            [w("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mondays", "tuesdays",
               "wednesdays", "thursdays", "fridays", "saturdays", "sundays")],
            [w("at", "after", "from", "before", "to", "during", "for", "with", "about", "of", "off", "my", "the",
               "our", "just", "or", "and", "into", "than", "around", "till", "until", "between"), w("work")],
            [{**SENT_START, "LOWER": "work"}],
            [w("work", "working"), w("from"), w("home")],
            [w("work"), w("stress", "stuff", "pressure", "hours", "day", "days", "life", "trip", "load", "calls",
                        "emails", "problems", "drama", "events", "nights", "shifts", "colleagues")],
            [w("working"), w("late", "nights", "long", "shifts", "away")],
            [w("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
             w("night", "nights", "evening", "evenings", "morning", "mornings", "afternoon", "afternoons")],
            [w("on"), w("nights")],
            [w("long", "busy", "stressful", "hectic", "tough", "hard"), w("day", "days", "week", "weeks")],
        ],
        Mode.ABSENT: ["job", "routine", "structure", "schedule"],
        Mode.FIXED: [OTHERS_ASLEEP],
    },
    # --- wishes ------------------------------------------------------------------------
    "wish_choice": {
        Mode.WISH: [
            "control", "choice", "choose", "in charge", "freedom", "free", "decide", "balance", "moderation",
            "quit", "stop", "willpower",
        ],
        Mode.FIXED: [
            [w("on"), w("my"), w("own"), w("terms")],
            [NEG, opt(w("to")), ADV, lem("need"), w("it", "them", "this", "the", "my")],
            [lem("trust"), w("myself")],
            [w("say"), w("no")],
            [w("cut", "cutting"), w("down", "back")],
            [w("less"), w("time"), w("on", "online", "scrolling", "swiping")],
            [w("less"), w("phone", "screen", "scrolling", "swiping")],
            [w("less"), opt(w("time")), w("on"), opt(w("my", "the")), w("phone", "apps", "app", "screens")],
            [w("use", "using"), w("it", "them", "the", "apps"), opt(w("apps")), w("less")],
            [w("freedom"), w("from")],
            [lem("go"), w("a"), w("day", "week", "night", "evening"), w("without")],
            [w("self"), w("control")],
            # "to not feel controlled by my phone", "not to be ruled by it"
            [NEG, opt(w("to")), opt(lem("feel", "be")), w("controlled", "ruled", "run"), w("by")],
            [lem("break"), w("the", "this", "that"), w("habit", "cycle", "loop", "pattern")],
        ],
    },
    "wish_honesty": {
        Mode.WISH: [
            "honest", "honesty", "openness", "truthful", "truth", "transparent", "transparency", "upfront",
            [lem("be"), ADV, w("open", "honest", "truthful", "upfront"), w("with", "about")],
            [w("open"), w("up")],
        ],
        Mode.FIXED: [
            [w("no"), w("more"), w("secrets", "secret", "lies", "lying", "hiding", "sneaking")],
            [w("not"), w("having", "keeping"), opt(w("any")), w("secrets")],
            [lem("come"), w("clean")],
            [lem("stop"), w("lying", "hiding", "sneaking", "pretending")],
            [NEG, opt(w("to")), opt(lem("want")), opt(w("to")), lem("have"), w("to"), lem("hide", "lie", "sneak",
                                                                                           "pretend")],
        ],
    },
    "wish_connection": {
        Mode.STATE: [
            "connection", "connections", "connected", "closeness",
            [lem("feel", "be", "get", "grow", "become"), ADV, w("close", "closer")],
            [w("close", "closer"), w("to"), w("people", "someone", "somebody", "my", "her", "him", "them",
                                               "others", "friends", "family", "partner")],
        ],
        Mode.WISH: [
            "intimacy", "intimate", "bond", "bonding", "friends", "friendship", "friendships", "dates",
            "relationship", "real people", "in person", "face to face", "irl", "connect", "connecting",
            [lem("meet"), w("someone", "somebody", "people", "new", "up", "a", "face")],
        ],
    },
    "wish_presence": {
        Mode.STATE: [
            "present", "presence", "grounded", "embodied", "mindful", "here and now", "attentive",
            [lem("be"), ADV, w("there"), w("for", "with")],
            [lem("put"), opt(w("my", "the")), w("phone"), w("down", "away")],
            [lem("be"), w("with"), w("my"), w("kids", "children", "family", "partner", "wife", "husband", "friends",
                                              "son", "daughter")],
            [w("real", "actual", "physical", "human"), w("touch", "skin")],
        ],
        Mode.WISH: ["in the moment"],
        Mode.FIXED: [
            [w("without"), w("my"), w("head", "mind"), opt(lem("be")), w("somewhere", "elsewhere")],
        ],
    },
}

# Spans in which a theme's cue means something else ("lying in bed", "a shame", "tired of").
# A cue match is dropped when it lies wholly inside one of these spans for its theme.
EXCLUDE: Dict[str, Sequence[Pattern]] = {
    "loneliness": [
        [w("leave", "left"), w("me"), w("alone")],
        [w("alone"), w("time")],
        [w("on"), w("my"), w("own"), w("terms")],
        [w("disconnected"), w("from"), w("my"), w("body")],
        # "I was going to say lonely but it's not that": a word considered, then set aside
        [w("going"), w("to"), w("say"), w("lonely", "alone", "isolated")],
    ],
    "rejection": [
        # "hours go by and I haven't noticed": the visitor not noticing, not being unnoticed
        [w("i", "you", "we"), opt(lem("have", "do")), NEG, ADV, w("noticed", "notice", "noticing")],
        [w("without"), w("noticing", "realising", "realizing")],
    ],
    "validation": [
        [lem("pay"), ADV, w("attention")],
        [w("attention"), w("span", "to")],
    ],
    "boredom": [
        [w("nothing"), w("to"), w("do"), w("with")],
    ],
    "excitement": [
        [w("in"), w("a"), w("rush")],
        [w("a", "the"), w("high"), w("school", "street")],
    ],
    "chasing": [
        # "I don't get enough sleep": not enough of something else, not the chase
        [NEG, ADV, opt(lem("get", "have")), ADV, w("enough"),
         w("sleep", "rest", "exercise", "food", "money", "time", "hours", "daylight", "sun", "sunlight",
           "fresh", "support", "help", "downtime", "energy", "water")],
        [w("i"), opt(lem("be")), NEG, ADV, opt(w("good", "attractive", "pretty", "interesting", "sexy")),
         w("enough")],
        [w("am"), NEG, ADV, opt(w("good", "attractive", "pretty", "interesting", "sexy")), w("enough")],
    ],
    "shame_after": [
        [w("a", "what"), w("shame")],
        [w("house", "flat", "home", "room", "place"), lem("be"), ADV, w("empty")],
        [w("dirty"), w("talk", "talking", "chat", "messages", "pics", "photos")],
        [lem("talk"), w("dirty")],
        [w("empty"), w("house", "flat", "home", "bed", "room", "apartment", "evening", "evenings", "weekends",
                       "days", "promises")],
    ],
    "escape_soothing": [
        [lem("can", "could"), NEG, ADV, w("relax", "unwind", "switch", "settle", "calm", "cope")],
    ],
    "body_sensations": [
        [w("tired", "sick"), w("of")],
        [w("sick"), w("and"), w("tired")],
        [w("heavy"), w("user", "use", "users", "phone")],
        [w("about", "of", "with"), w("my"), w("body")],
    ],
    "secrecy": [
        [w("without"), w("noticing", "realising", "realizing")],  # the visitor's own, not hiding from someone
        [lem("lie"), w("in", "on", "down", "awake", "there", "around", "back", "next", "flat", "still", "here",
                       "beside")],
    ],
    "partner_trust": [
        [w("business"), w("partner")],
        [lem("trust"), w("myself")],
        [w("relationship"), w("with"), opt(w("my", "the")), w("phone", "food", "alcohol", "myself", "porn",
                                                               "apps", "screens", "technology", "money")],
    ],
    "sleep": [
        OTHERS_ASLEEP,
        # "I sleep like a baby, no issues there": sleep that is fine
        [lem("sleep"), w("like"), w("a"), w("baby", "log", "rock")],
        [lem("sleep"), w("with", "around")],
    ],
    "exercise": [
        [lem("run"), w("out", "into", "late", "away")],
        [w("school"), lem("run")],
        [lem("walk"), w("away", "in", "into", "out", "past", "off")],
        [lem("move"), w("on", "in", "out", "house", "away", "forward", "between")],
        [w("the", "this", "a", "vicious", "endless", "that", "same"), w("cycle")],
        [w("sexually"), w("active")],
        [w("active"), w("on", "users", "user", "profile")],
        [lem("work"), w("out"), w("why", "what", "how", "if", "whether", "who", "where", "when")],
    ],
    "mood_energy": [
        [w("in"), opt(w("the", "a")), w("mood")],
        [w("bit", "so", "really", "pretty", "quite", "very", "little", "am", "is", "was"), w("low"),
         w("self", "key", "battery")],
    ],
    "work_routine": [
        [w("it", "this", "that"), w("to"), w("work")],
        [opt(w("to", "at", "after", "before", "the", "and", "or", "just")), lem("work"), w("out")],
    ],
    "wish_choice": [
        [w("out"), w("of"), w("control")],
        [lem("stop"), w("feeling", "lying", "hiding", "thinking", "worrying", "being", "sneaking", "by")],
        [w("free"), w("time", "trial", "account")],
    ],
    "wish_honesty": [
        [{**SENT_START, "LOWER": "to"}, w("be"), w("honest")],
        [w("going", "gon"), opt(w("na")), opt(w("to")), w("be"), w("honest")],
        [w(",", "and", "but", "so", "honestly", "well", "just", "mean"), w("to"), w("be"),
         w("honest"), {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["with", "about", "and", "or"]}}],
        # ^ "and to be honest it's boring", not "... and to be honest" or "to be honest with her"
        [w("if"), w("i"), w("am", "was", "be"), opt(w("being")), w("honest")],
        [w("open", "opening"), w("the", "our"), w("relationship", "marriage")],
        [w("open"), w("relationship", "marriage")],
    ],
    "wish_connection": [
        [w("up"), w("to"), w("date")],
    ],
    "wish_presence": [
        [w("at", "a", "birthday", "christmas"), w("present")],
    ],
}
# fmt: on
