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
IS = w("is", "'s", "s", "was", "am", "are", "were", "be", "been", "being")  # "'s" is lemmatised as "have"
PARTNERS = (
    "partner", "wife", "husband", "girlfriend", "boyfriend", "fiancé", "spouse", "missus", "other", "half",
)
KNOWERS = ("she", "he", "they", "family", "parents", "friends", "kids", "nobody") + PARTNERS
OTHERS_ASLEEP: Pattern = [
    w("kids", "children", "baby", "wife", "husband", "partner", "he", "she", "they", "everyone", "everybody", "family",
      "girlfriend", "boyfriend", "son", "daughter", "house", "household"),
    opt(w("are", "is", "have", "has", "'s", "go", "goes", "went", "gone", "finally", "both", "all", "in")),
    opt(w("are", "is", "have", "has", "gone", "been", "finally", "off", "in", "up")),
    opt(w("up", "off")),
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
            # distant from a partner or people is disconnected from people (GUIDELINE.md)
            [w("distant", "disconnected"), w("from"), opt(w("my", "her", "his", "our")),
             w(*PARTNERS, "him", "her", "them", "people", "everyone", "friends", "family", "kids", "mates")],
            [lem("feel", "be", "get", "grow", "become"), opt(w("so", "much", "a", "bit", "lot", "even")), opt(w("bit", "lot")), w("less"),
             w("close", "connected")],
            [w("someone", "somebody", "anyone", "anybody"), w("to"), lem("talk", "chat", "speak")],
            [w("no", "nobody"), opt(w("one")), w("to"), lem("talk", "turn", "chat", "speak", "share", "cuddle", "hug",
                                                            "confide", "go", "hang", "spend", "call", "ring")],
            [lem("have"), opt(w("got")), w("nobody", "noone")],
            [lem("have"), opt(w("got")), w("no"), w("one")],
            [w("no", "nobody"), opt(w("one")), opt(IS), ADV, w("around")],
            [w("someone", "somebody", "anyone", "anybody", "nobody", "one"), w("to"), lem("come", "go"), w("home")],
            [w("no"), w("friends", "mates", "company", "social")],
            [w("empty"), w("house", "flat", "home", "bed", "apartment", "room")],
            [w("house", "flat", "home", "room", "place"), lem("be"), ADV, w("empty", "quiet", "silent")],
            # "when the house goes quiet", "once the flat gets silent"
            [w("house", "flat", "home", "place"), lem("go", "get", "fall"), ADV, w("empty", "quiet", "silent")],
            # "the room feels very empty", "the flat seems so quiet"
            [w("house", "flat", "home", "room", "place", "bed"), lem("feel", "seem", "look"), ADV, ADV,
             w("empty", "quiet", "silent")],
            # "house empty", "flat dead quiet": the same without a verb
            [w("house", "flat", "home", "room", "place"), ADV, w("empty", "quiet", "silent")],
            [w("the"), w("quiet", "silence"), w("in"), w("the", "my"), w("house", "flat", "home", "room")],
            [w("someone", "somebody"), w("to"), lem("hold", "cuddle", "hug", "wake", "share", "laugh")],
            [w("for", "some", "any", "need", "want", "miss", "missing", "crave", "craving"), w("company")],
            [{**SENT_START, "LOWER": "company"}],
            # "no one close", "there's nobody close to me", "no close friends"
            [w("no", "nobody"), opt(w("one")), ADV, w("close")],
            [w("no"), w("close", "real"), w("friends", "mates", "people")],
            [lem("feel"), ADV, ADV, w("distant", "detached", "apart")],
        ],
        Mode.FIXED: [
            # "I don't have any friends", "friends. I don't really have any anymore"
            [NEG, ADV, lem("have", "get"), opt(w("got")), opt(w("any", "many", "real", "close")), opt(w("real", "close")),
             w("friends", "mates", "anyone", "anybody", "company")],
            [w("friends", "mates"), {"IS_PUNCT": True, "OP": "?"}, w("i"), opt(lem("do")), NEG, ADV,
             lem("have"), w("any", "many")],
        ],
    },
    "rejection": {
        Mode.STATE: [
            "rejected", "rejection", "reject", "unwanted", "unloved", "unlovable", "overlooked", "invisible",
            "unattractive", "ugly", "worthless", "inadequate", "insecure", "insecurity", "insecurities",
            "unheard", "unappreciated", "undesirable", "failure", "self esteem", "self worth",
            "taken for granted", "left on read", "ghost", "ghosted", "unanswered", "left on the shelf",
            "stood up", "blocked me",
            "cancel on me", "cancelled on me", "knock back", "knockback", "knocked back", "let down", "let me down",
            [w("dumped")],
            [w("unmatch", "unmatches", "unmatched", "unmatching", "ghosts", "ghosting", "blocks", "blocking"), w("me")],
            [lem("leave"), w("me"), w("on"), w("read", "delivered", "seen")],
            [NEG, ADV, lem("want"), w("to"), lem("be"), w("touched", "kissed", "held", "hugged")],
            [lem("get", "be"), w("unmatched")],
            [lem("feel"), ADV, w("fat", "unattractive", "unwanted", "unloved")],
            [w("confidence", "esteem"), opt(lem("be")), ADV, w("low", "gone", "shot", "zero", "nonexistent",
                                                                "rock", "on")],
            [w("ignored")],
            [lem("ignore"), w("me", "my")],
            [lem("turn"), w("me", "us"), w("down")],
            [w("turned"), w("down")],
            [w("low", "no", "zero"), opt(w("self")), w("confidence")],
            [w("knock", "blow", "dent", "hit"), w("to"), w("my"), w("confidence", "ego", "self")],
            # criticised, put down, made to feel small
            [lem("criticise", "criticize", "belittle", "mock", "humiliate", "insult"), w("me", "my")],
            [w("criticised", "criticized", "belittled", "mocked", "humiliated")],
            [lem("put"), w("me"), w("down")],
            [lem("feel", "make"), opt(w("me")), opt(lem("feel")), ADV, w("small", "useless", "worthless",
                                                                          "unimportant", "second", "invisible")],
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
            # "when he doesn't reply to me", "they don't answer": no reply from someone
            [w("he", "she", "they", "people", "guys", "girls", "men", "women", "someone", "somebody", "matches"),
             w("do", "does", "did", "will", "would", "wo"), NEG, ADV, lem("reply", "respond", "answer")],
            [w("no"), w("replies", "reply", "matches", "match", "messages", "likes", "response", "responses")],
            [NEG, ADV, lem("matter"), w("to")],
            [w("i"), opt(lem("do")), NEG, ADV, lem("matter")],
            [NEG, opt(lem("have")), w("been"), ADV, w("touched", "kissed", "hugged", "held", "wanted")],
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
            [w("interest"), w("in"), w("me")],
            [lem("feel"), ADV, w("young", "younger"), opt(w("again"))],
            [lem("feel"), w("like"), w("a"), opt(w("real")), w("man", "woman")],
            [w("someone", "somebody", "they", "he", "she", "people"), opt(IS), ADV, lem("think"), w("about", "of"),
             w("me")],
            [w("getting", "get", "gets", "got", "the", "some", "few", "more"), w("likes", "hearts")],
            [lem("chat"), w("up")],
            [lem("matter"), w("to"), w("someone", "somebody", "anyone", "people", "them", "him", "her")],
            [w("like"), w("i"), lem("matter")],
            [lem("feel", "be"), ADV, w("good"), w("about"), w("myself", "my")],
            # "someone who'll say nice things to me"
            [lem("say", "tell", "send", "give"), opt(w("me")), ADV, w("nice", "kind", "sweet", "lovely",
                                                                      "flattering"), w("things", "stuff", "words")],
            # "I feel like the most interesting man in the world"
            [FEELISH, opt(w("like")), w("the"), w("most"),
             w(*WANTED, "interesting", "important", "popular", "charming", "funny")],
            [lem("feel"), ADV, w("interesting", "important", "popular", "irresistible", "admired", "fancied")],
        ],
    },
    # --- focus_dopamine --------------------------------------------------------------
    "boredom": {
        Mode.STATE: [
            "bored", "boredom", "boring", "dull", "tedious", "kill time", "killing time", "time to kill",
            "pass the time", "pass time", "nothing to do", "nothing else to do", "nothing better to do",
            "something to do", "fill the time", "fill time", "fill the evening", "fill the evenings",
            "fill the hours", "fill the day", "fill the days",
            # "nothing really happening", "nothing going on"
            [w("nothing"), ADV, w("happening")],
            [w("nothing"), opt(w("else", "much")), ADV, w("going"), w("on")],
            [w("nothing"), w("on"), w("tv", "telly", "television", "netflix")],
            "time on my hands", "monotony", "monotonous", "mundane", "same old",
        ],
    },
    "excitement": {
        Mode.STATE: [
            "thrill", "thrilling", "excitement", "excited", "exciting", "exhilarating", "exhilaration",
            "adrenaline", "dopamine", "novelty", "anticipation", "anticipate", "the unknown", "butterflies",
            "spark", "danger", "dangerous", "naughty", "forbidden", "risky", "alive", "buzz", "buzzing",
            "look forward", "on top of the world", "slot machine", "slot machines", "lottery", "jackpot",
            [w("a", "the", "that", "this", "what", "such", "quick", "little", "big", "instant"), w("rush")],
            [{**SENT_START, "LOWER": {"IN": ["rush", "high"]}}],
            [w("a", "the", "that", "natural", "quick", "little", "big", "instant"), w("high")],
            [w("a", "the", "my", "for", "get", "gives", "give"), w("kick", "kicks")],
            [w("someone", "somebody", "something"), w("new")],
            "possibility", "possibilities", "adventure",
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
            # time slipping away: "suddenly it's 1am", "before I know it", "next thing I know"
            [w("suddenly", "then", "and"), w("it", "its"), opt(IS), opt(w("like", "already")),
             w("smallhours", "morning", "light", "late", "dark")],
            [w("before"), w("i"), lem("know"), w("it")],
            [w("next"), w("thing"), w("i"), lem("know")],
            [w("where"), w("did"), w("the"), w("time", "hours", "evening", "night"), w("go")],
            # going straight back: "then I want to go back on", "log back in"
            [lem("go", "get", "jump", "hop", "end", "be"), ADV, w("back"), w("on", "online", "onto")],
            [lem("log", "sign"), ADV, w("back"), w("in", "on")],
            [w("back"), w("for"), w("more")],
            [w("tunnel"), w("vision")],
            # the broken promise: "never again, then do it the next day"
            [lem("do"), w("it", "this"), opt(w("again", "anyway")), opt(w("the")), w("next", "following"),
             w("day", "night", "morning", "evening")],
            "the hunt", "hunting", "hours later", "sense of time",
            [w("just", "only"), w("five", "5", "ten", "10", "one", "a", "few", "two", "2"), opt(w("more")),
             w("minutes", "mins", "minute", "min")],
            [w("from"), w("one"), opt(ANY), w("to"), opt(w("the")), w("next", "another")],
            [w("constantly"), w("on"), w("it", "my", "the", "there", "them", "apps")],
            [lem("spend", "waste"), opt(w("the", "a", "my")), w("whole", "entire"), w("night", "evening", "day",
                                                                                  "weekend", "evenings", "nights")],
            [w("it"), IS, ADV, w("hours")],
            [w("a", "the", "that", "this"), w("pull")],
            [lem("pull", "draw", "suck"), w("me"), opt(w("back")), w("in", "back")],
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
            "emptiness", "hollow", "dead inside", "crash", "come down", "comedown", "dirty", "empty", "creepy",
            "perv", "pervert",
            [w("creep", "creeps")],
            [lem("feel"), ADV, w("cheap", "used")],
            [lem("hate"), w("that", "how"), w("i"), w("do", "did", "keep", "still")],
            # turned on oneself: "angry with myself", "disappointed in myself", "sick to my stomach"
            [w("angry", "annoyed", "disappointed", "frustrated", "furious", "cross", "mad", "livid", "sick",
               "disgusted", "appalled"), w("with", "at", "in"), w("myself")],
            [w("sick"), w("to"), w("my"), w("stomach")],
            [lem("kick"), w("myself")],
            "let myself down", "cringe", "cringing", "cringey", "cringy",
            [lem("feel"), ADV, opt(w("like")), opt(w("a", "an", "such", "a")), opt(w("complete", "total", "such")),
             w("scum", "monster", "sleaze", "creep", "slut")],
            [lem("feel"), ADV, w("like"), w("a"), w("bad", "terrible", "horrible", "awful"), w("person", "man",
                                                                                                 "woman", "husband",
                                                                                                 "wife", "dad",
                                                                                                 "mum")],
        ],
        Mode.FIXED: [
            [NEG, ADV, w("proud")],
        ],
        Mode.AFTER: [
            [w(*BAD_FEELINGS)],
            [lem("feel"), ADV, opt(w("like")), w("bad", "worse")],
            [w("bad", "worse"), w("afterwards", "afterward")],
            [w("bad", "worse"), w("after"), {"IS_PUNCT": True}],
            # "after, I feel stupid", "like an idiot after"
            [lem("feel"), ADV, opt(w("like")), opt(w("a", "an", "such", "a")), opt(w("complete", "total", "such")),
             w("stupid", "idiot", "fool", "foolish", "cheap")],
            [lem("feel"), w("like"), w("i"), opt(lem("have")), w("betrayed", "cheated", "failed", "let")],
            # numbness afterwards is emptiness: "I don't feel anything after"
            [NEG, lem("feel"), w("anything", "much")],
            [lem("feel"), ADV, w("nothing")],
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
             w("racing", "race", "races", "spinning", "whirring", "buzzing")],
            [w("head", "mind", "brain", "thoughts"), opt(lem("be")), ADV, w("all"), w("over"), w("the"), w("place")],
        ],
        Mode.FIXED: [
            # "my mind won't stop racing" (GUIDELINE: racing mind)
            [w("mind", "thoughts", "head", "brain"), lem("will", "can", "do"), NEG, ADV, lem("stop"),
             w("racing", "spinning", "whirring")],
            [w("mind", "thoughts", "head", "brain"), lem("will", "can", "do"), NEG, ADV,
             lem("stop", "switch", "shut", "quiet", "slow", "settle", "rest")],
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
            [lem("distract"), w("myself", "me", "yourself")],
            [lem("switch", "turn", "shut"), opt(w("my", "the")), w("brain", "head", "mind", "thoughts"), w("off")],
            "time out", "breather", "forget about", "peace", "peaceful", "peace and quiet", "avoidance",
            [lem("chill"), w("out", "me")],
            [w("chilled", "chilling")],
            [w("to"), w("chill")],
            [lem("block", "blot", "shut", "drown"), opt(w("it", "everything", "things", "the", "my", "all")),
             opt(w("world", "noise", "thoughts", "feelings")), w("out")],
            [lem("get", "escape", "step", "break"), w("out"), w("of"), w("my"), opt(w("own")), w("head")],
            [w("mind", "brain", "head", "thoughts"), ADV, lem("go", "be", "get", "fall"), ADV,
             w("quiet", "silent", "still", "blank", "quieter")],
            [lem("get", "be"), w("lost"), w("in")],
            [lem("avoid"), w("thinking", "feeling", "feelings", "dealing", "facing", "reality", "life", "my",
                             "everything", "things", "problems")],
        ],
        Mode.FIXED: [
            # "so I don't have to think about it", "it stops me thinking about work"
            [NEG, opt(w("to")), lem("have"), w("to"), lem("think", "feel", "deal", "face")],
            [lem("stop"), w("me", "myself"), w("thinking", "feeling", "worrying", "dwelling")],
            [lem("help", "make", "let"), w("me"), NEG, lem("think", "feel", "worry", "dwell")],
            [lem("can", "could"), NEG, ADV, lem("face"), w("it", "things", "work", "the", "anything", "life", "people")],
        ],
    },
    "body_sensations": {
        Mode.STATE: [
            "restless", "restlessness", "wired", "keyed up", "jittery", "jitters", "fidgety", "fidgeting", "shaky",
            "shaking", "trembling", "sweaty", "sweating", "flushed", "palpitations", "headache", "headaches",
            "migraine", "tired", "tiredness", "exhausted", "exhaustion", "knackered", "drained", "wiped out",
            "fatigue", "fatigued", "overtired", "zombie", "heavy", "horny", "aroused", "arousal", "tingly",
            "achy", "aching", "eye strain", "worn out", "jumpy", "twitchy",
            [w("turned"), w("on")],
            [lem("be", "feel", "get"), ADV, w("shattered")],
            [w("heart"), opt(w("'s", "is", "was", "keeps", "starts", "goes")), ADV,
             w("racing", "race", "races", "pounding", "pounds", "thumping", "hammering", "beating")],
            [w("racing", "pounding", "thumping"), w("heart")],
            [lem("get"), w("my"), w("heart"), w("going", "racing", "pounding")],
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
            [w("in", "from", "my"), opt(w("my")), opt(w("own")), w("body")],
            "pain", "painful", "ache", "aches", "sore", "nausea", "nauseous", "queasy", "dizzy", "light headed",
            "groggy", "drowsy",
            [w("body"), opt(IS), ADV, w("buzzing", "humming", "tingling")],
            [w("tight", "stiff", "achy", "sore", "aching"), w("all"), w("over")],
            [w("am", "is", "'s", "was", "feel", "feeling", "start", "starting", "get", "getting"), ADV, w("flagging")],
            [w("in"), w("my"), w("chest", "stomach", "gut", "throat", "shoulders", "neck", "jaw", "muscles", "bones",
                                 "legs", "arms", "hands", "belly", "tummy")],
        ],
        Mode.FIXED: [
            [lem("can", "could"), NEG, w("sit", "keep", "stay"), w("still")],
            # numbness in the body is a body sensation: "I feel nothing in my body"
            [lem("feel"), ADV, w("nothing", "anything", "much"), w("in", "from"), w("my"), opt(w("own")), w("body")],
        ],
    },
    # --- focus_relational ------------------------------------------------------------
    "secrecy": {
        Mode.STATE: [
            "secret", "secrets", "secretly", "secrecy", "secretive", "hide", "lie", "liar", "cover up",
            "cover my tracks", "sneak", "sneaking", "sneaky", "snuck", "incognito", "private browsing",
            "private mode", "burner", "second phone", "separate account", "fake account", "fake profile",
            "fake name", "double life", "pretend", "pretending", "face down", "on the quiet", "on the sly",
            [lem("make"), opt(w("up")), opt(w("an", "some", "the")), w("excuses", "excuse")],
            "cover story", "alibi", "get away with it", "getting away with it",
            "living a lie", "live a lie",
            [lem("keep"), w("it", "this", "that", "things", "stuff"), w("from")],
            [lem("delete", "clear", "wipe"), opt(w("the", "my", "all", "every", "our")),
             w("chats", "chat", "messages", "texts", "history", "evidence", "conversations", "photos", "pics",
               "browser", "search", "tabs", "notifications")],
            [w("lock", "locked", "locking"), opt(w("my", "the")), w("phone")],
            # "separate phones", "a secret email", "a different name"
            [w("different"), w("name", "names", "account", "accounts", "profile", "profiles", "phone", "phones", "number",
                             "email")],
            [w("separate", "second", "secret", "spare", "extra", "burner", "fake", "hidden", "private", "anonymous"),
             w("phone", "phones", "account", "accounts", "profile", "profiles", "email", "number", "sim", "app",
               "apps", "name", "names", "folder", "album")],
            # "kept to myself", "I keep it quiet"
            [lem("keep"), opt(w("it", "this", "that", "things", "everything", "them", "all", "stuff")), opt(w("all")),
             w("to"), w("myself", "ourselves")],
            [lem("keep"), w("it", "this", "that", "things", "everything", "them", "stuff"), opt(w("very", "so")),
             w("quiet", "private", "hidden", "secret", "low", "separate")],
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
            # getting caught, feared: "scared my wife walks in", "worried he'll see"
            [w("scared", "afraid", "worried", "terrified", "paranoid", "panicking", "petrified"), opt(w("that")),
             opt(w("my", "the")), w(*KNOWERS, "someone", "somebody", "anyone", "mum", "dad"),
             opt(lem("will", "might", "could", "would")), lem("walk", "come", "see", "catch", "notice", "check")],
            [w("nobody"), opt(ANY), opt(ANY), opt(ANY), lem("know", "guess", "suspect")],
            [w("no"), w("one"), opt(ANY), opt(ANY), opt(ANY), lem("know", "guess", "suspect")],
            [w(*KNOWERS), lem("have"), w("no"), w("idea", "clue")],
            [NEG, ADV, lem("tell", "mention"), w("her", "him", "them", "anyone", "anybody", "my", "a", "it", "this")],
            [w("without"), opt(w("my", "her", "his", "anyone", "anybody", "them", "their")), opt(w(*PARTNERS)),
             w("knowing", "noticing", "finding", "seeing")],
            [w("behind"), opt(w("my", "her", "his", "their", "our")), opt(w(*PARTNERS)), opt(w("'s")), w("back")],
            [w("so", "case", "if", "careful", "sure"), w("she", "he", "they", "nobody", "anyone", "someone", "somebody", "people"),
             opt(w("will", "would", "can", "could", "might", "does", "do")), opt(NEG), lem("see", "find", "know",
                                                                                      "notice")],
            [w("someone", "anyone", "somebody", "people"), lem("see"), w("my"), w("screen", "phone")],
            [lem("see", "look"), opt(w("at")), w("my"), w("screen")],
            # fear of being found out: "terrified one of them will see something"
            [w("terrified", "scared", "afraid", "worried", "paranoid", "petrified", "dread", "dreading"), opt(w("that")),
             w("someone", "somebody", "she", "he", "they", "one", "people", "kids", "my", "the", "anyone"), ADV,
             opt(w("of")), opt(w("them", "my", "the")), opt(w("kids", "children", "wife", "husband", "partner")),
             w("will", "would", "might", "could", "may"), lem("see", "find", "notice", "catch", "know")],
            # told one person "but no one else"
            [lem("tell", "know"), opt(ANY), opt(ANY), opt(ANY), w("but"), w("no", "nobody"), opt(w("one")), w("else")],
            # "when she's not looking"
            [w("when", "while", "if", "once"), w("she", "he", "they", "nobody", "everyone", "no"), opt(w("one")),
             IS, opt(NEG), w("looking", "watching")],
        ],
    },
    "partner_trust": {
        Mode.TOPIC: [
            "partner", "wife", "husband", "girlfriend", "boyfriend", "fiancé", "spouse", "other half",
            "marriage", "married", "relationship", "long distance", "divorce", "break up", "broke up",
            "breakup", "date night", "drifting apart", "drifted apart", "grown apart", "growing apart",
            [w("separated")],
            [w("my", "an", "the", "her", "his"), w("ex", "exes")],
            [lem("be"), w("together")],
        ],
        Mode.ABSENT: [
            "trust", "cheat", "cheating", "affair", "affairs", "infidelity", "unfaithful", "betray", "betrayal",
            "betrayed", "argument", "arguments", "argue", "arguing", "sex life", "distant from",
            [w("a", "our", "the", "huge", "big", "another", "massive"), w("row", "rows")],
            [w("we"), ADV, opt(w("do", "did", "have", "has")), opt(w("not", "never", "barely", "hardly", "rarely")), ADV,
             lem("have"), w("sex")],
            [lem("sleep"), w("together")],
            "sexless", "no intimacy",
            [lem("stop"), w("having"), w("sex")],
            [w("she", "he"), ADV, opt(lem("do", "will")), opt(NEG), ADV, lem("want", "initiate", "fancy"), w("sex")],
        ],
        Mode.FIXED: [
            [w("we"), opt(w("do", "did")), w("not", "never", "barely", "hardly", "rarely", "no"), opt(w("longer")), ADV,
             lem("talk", "speak", "touch", "kiss", "cuddle", "connect")],
        ],
    },
    # --- focus_lifestyle -------------------------------------------------------------
    "sleep": {
        Mode.ABSENT: [
            "sleep", "asleep", "insomnia", "sleepless", "awake", "wake up", "bedtime", "night time",
            "stupid o'clock", "silly o'clock", "ungodly hour", "ungodly hours", "all hours",
            [w("before", "in", "to", "into"), w("bed")],
            [w("out"), w("of"), w("bed")],
            [w("bed", "sleep", "asleep"), w("by", "at", "around", "after", "past", "till", "until", "before"),
             w("1", "2", "3", "4", "5", "one", "two", "three", "four", "five", "smallhours")],
        ],
        Mode.TOPIC: [
            [w("at", "late", "all"), w("night", "nights")],
            [w("through"), w("the"), w("night")],
            "night owl",
            [w("whole", "entire"), w("night")],
            [lem("stay"), w("up")],
            [w("up"), w("late", "till", "until", "til")],
            [w("up"), w("at"), w("smallhours")],
            [w("till", "until", "til"), w("late", "1", "2", "3", "4", "5", "one", "two", "three", "four", "five")],
            [w("smallhours")],
            [w("bad", "rough", "poor", "broken", "restless", "sleepless", "disturbed", "terrible", "awful", "shit",
               "crap", "crappy"), w("night", "nights")],
        ],
    },
    "exercise": {
        Mode.ABSENT: [
            "exercise", "gym", "workout", "workouts", "work out", "run", "jog", "jogging", "cycle", "cycling",
            "bike", "biking", "swim", "swimming", "walk", "hike", "hiking", "yoga", "pilates", "sport",
            "sports", "football", "five a side", "tennis", "active", "inactive", "sedentary", "fresh air",
            "get outside", "go outside", "move", "movement", "fitness", "unfit", "out of shape", "couch potato",
            [w("training")],
        ],
    },
    "mood_energy": {
        Mode.STATE: [
            "depressed", "depression", "depressing", "low mood", "sad", "sadness", "unhappy", "miserable",
            "fed up", "glum", "gloomy", "hopeless", "funk", "slump", "moody", "irritable", "grumpy", "snappy",
            "sluggish", "lethargic", "lethargy", "unmotivated", "demotivated", "mood", "tearful",
            "get up and go", [lem("feel"), ADV, w("blue")],
            # the visitor's own tears, not someone else's: "I cry a lot", "crying myself to sleep"
            [w("i"), ADV, opt(lem("be", "have", "start", "end", "keep")), opt(w("been", "up")), ADV, lem("cry")],
            [lem("cry"), w("myself")],
            [w("tears")],
            [w("feel", "feeling", "felt", "am", "be", "being", "get", "getting", "bit", "so", "really", "pretty",
               "quite", "very", "little", "or", "and", "is", "was", "been"), w("down")],
            [w("feel", "feeling", "felt", "am", "be", "being", "get", "getting", "bit", "so", "really", "pretty",
               "quite", "very", "little", "or", "and", "is", "was", "been"), w("low")],
            [w("feel", "feeling", "felt", "bit", "so", "pretty", "quite", "more", "really", "just", "am",
               "kind", "and", "then", "kinda", "totally", "been", "getting"), w("flat")],
        ],
        Mode.ABSENT: ["energy"],
        Mode.FIXED: [
            [w("no", "low", "zero", "lack", "little"), opt(w("of")), w("energy", "motivation")],
            [NEG, ADV, lem("have", "get"), opt(w("got")), opt(w("any", "much", "the")), w("energy", "motivation")],
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
               "our", "just", "or", "and", "into", "than", "around", "till", "until", "between", "got", "have",
               "has", "had", "start", "starting", "tomorrow"), w("work")],
            "business trip", "on business", "at my desk", "way to work", "day off", "days off",
            [w("my", "a", "own", "small", "family", "the"), w("business")],
            [w("manager", "managers", "management", "clients", "customers", "payroll", "appraisal", "rota",
               "nightshift", "nightshifts")],
            [{**SENT_START, "LOWER": "work"}],
            [w("work", "working"), w("from"), w("home")],
            [w("work"), w("stress", "stuff", "pressure", "hours", "day", "days", "life", "trip", "load", "calls",
                        "emails", "problems", "drama", "events", "nights", "shifts", "colleagues")],
            [w("working"), w("late", "nights", "long", "shifts", "away", "all", "every", "too", "overtime", "weekends")],
            [w("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
             w("night", "nights", "evening", "evenings", "morning", "mornings", "afternoon", "afternoons")],
            [w("on"), w("nights")],
            [w("long", "busy", "stressful", "hectic", "tough", "hard"), w("day", "days", "week", "weeks")],
        ],
        Mode.ABSENT: ["job", "routine", "structure", "schedule"],
        Mode.FIXED: [
            OTHERS_ASLEEP,
            # "after the kids go down", "once the baby's down"
            [w("kids", "children", "baby", "little", "ones", "toddler"), opt(w("are", "is", "'s", "have", "go", "goes",
                                                                              "went", "gone", "finally")),
             opt(w("gone")), w("down")],
        ],
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
            [w("without"), w("needing", "relying"), opt(w("on"))],
            [lem("go"), w("a"), w("day", "week", "night", "evening"), w("without")],
            [w("self"), w("control")],
            # "to not feel controlled by my phone", "not to be ruled by it"
            [NEG, opt(w("to")), opt(lem("feel", "be")), w("controlled", "ruled", "run"), w("by")],
            [lem("break"), w("the", "this", "that"), w("habit", "cycle", "loop", "pattern")],
            [NEG, opt(w("to")), opt(lem("be", "feel")), opt(w("like")), w("a"), w("slave")],
            [w("healthier", "healthy", "better", "balanced", "normal"), w("relationship"), w("with"),
             opt(w("my", "the")), w("phone", "apps", "screens", "porn", "technology", "sex", "internet", "it")],
        ],
    },
    "wish_honesty": {
        Mode.WISH: [
            "honest", "honesty", "openness", "truthful", "truth", "transparent", "transparency", "upfront",
            [lem("be"), ADV, w("open", "honest", "truthful", "upfront"), w("with", "about")],
            [lem("can", "could"), lem("be"), ADV, w("open", "honest", "truthful")],
            [w("open"), w("up")],
            [NEG, opt(w("to")), lem("have", "keep"), opt(w("any")), w("secrets", "secret", "lies")],
            "communication", "communicate",
            [lem("talk", "speak"), ADV, w("properly", "openly", "honestly", "frankly")],
            [lem("talk", "speak"), w("about"), w("it", "this", "things", "everything", "what")],
            # "to be able to tell him", "tell my wife": telling, wished for
            [lem("tell"), w("him", "her", "them", "my", "partner", "wife", "husband", "girlfriend", "boyfriend",
                            "someone", "somebody", "people", "everyone", "the")],
        ],
        Mode.FIXED: [
            [w("no"), w("more"), w("secrets", "secret", "lies", "lying", "hiding", "sneaking")],
            [w("not"), w("having", "keeping"), opt(w("any")), w("secrets")],
            [lem("come"), w("clean")],
            [lem("stop", "quit"), w("lying", "hiding", "sneaking", "pretending")],
            [lem("stop"), w("living"), w("a"), w("lie")],
            [NEG, opt(w("to")), opt(lem("want")), opt(w("to")), lem("have"), w("to"), lem("hide", "lie", "sneak",
                                                                                           "pretend")],
        ],
    },
    "wish_connection": {
        Mode.STATE: [
            "connection", "connections", "connected", "closeness",
            [lem("feel", "be", "get", "grow", "become"), ADV, w("close", "closer")],
            # "a girlfriend who actually exists": someone real
            [w("who", "that"), ADV, w("exists", "exist")],
            [w("someone", "somebody"), w("to"), lem("hold", "cuddle", "love", "share", "laugh", "grow")],
            [w("close", "closer"), w("to"), w("people", "someone", "somebody", "my", "her", "him", "them",
                                               "others", "friends", "family", "partner")],
        ],
        Mode.WISH: [
            "intimacy", "intimate", "bond", "bonding", "friends", "friendship",
            [w("mates")], "friendships", "dates",
            "relationship", "real people", "in person", "face to face", "irl", "connect", "connecting",
            [lem("meet"), w("someone", "somebody", "people", "new", "up", "a", "face")],
            # "a real relationship", "a girlfriend who actually exists"
            [w("real", "actual", "proper", "genuine"), w(*PARTNERS, "person", "people", "dates", "date",
                                                         "relationship", "relationships", "human", "humans", "woman",
                                                         "man", "women", "men", "friend", "friends")],
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
        Mode.WISH: [
            "in the moment",
            [lem("enjoy", "live", "savour", "savor"), w("the"), w("moment")],
            # "more time with my kids", "spending time with the family"
            [w("time"), w("with"), opt(w("my", "the", "our")),
             w("kids", "children", "family", "son", "daughter", "partner", "wife", "husband", "friends", "girlfriend",
               "boyfriend", "people", "loved")],
        ],
        Mode.FIXED: [
            # less present: "I'm not really there at dinner", "I'm not present with the kids"
            [w("i"), lem("be", "feel"), NEG, ADV, ADV, w("present")],
            [w("i"), lem("be", "feel"), NEG, w("really", "fully", "properly", "actually", "even", "mentally",
                                               "emotionally", "ever", "always"), w("there")],
            [w("i"), lem("be"), NEG, w("there"), w("for", "with", "at", "when")],
            # "my mind is somewhere else", "half on my phone", "both actually there"
            [w("my"), w("mind", "head"), opt(IS), ADV, w("somewhere", "elsewhere")],
            [w("half"), w("on", "there", "listening", "present", "paying", "here")],
            [w("are", "am", "were", "is"), opt(w("both", "all")), w("actually", "really", "fully", "properly", "truly"),
             w("there", "present")],
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
        [opt(lem("feel")), ADV, ADV, w("disconnected", "cut", "detached", "distant"), opt(w("off")), w("from"),
         opt(w("my")), opt(w("own")), w("body", "feelings", "emotions", "senses", "self", "myself", "it", "reality")],
        # nobody to hide it from is not loneliness: "I don't have anyone to hide it from"
        [NEG, ADV, lem("have", "get"), opt(w("got")), opt(w("any", "many", "real", "close")), w("anyone", "anybody"),
         w("to"), lem("hide", "lie", "tell", "answer", "explain", "keep")],
        [lem("have"), opt(w("got")), w("nobody", "noone", "no"), opt(w("one")), w("to"),
         lem("hide", "lie", "tell", "answer", "explain", "keep")],
        # "I was going to say lonely but it's not that": a word considered, then set aside
        [w("going"), w("to"), w("say"), w("lonely", "alone", "isolated")],
    ],
    "rejection": [
        # "they don't answer the phone at the bank": not a reply to the visitor
        [opt(w("he", "she", "they", "people", "guys", "girls", "men", "women", "someone", "somebody", "matches")),
         opt(w("do", "does", "did", "will", "would", "wo")), opt(NEG), ADV, lem("answer", "reply", "respond"), opt(w("to")),
         w("the"), w("phone", "door", "question", "questions", "email", "emails", "survey", "call")],
        # "so nobody sees": not being seen on purpose (secrecy), not being unnoticed
        [w("so", "case", "if", "where", "until", "when", "make", "sure", "careful"), w("nobody", "no"), opt(w("one")), ADV,
         opt(lem("will", "would", "can", "could")), lem("see", "notice", "know")],
        # "hours go by and I haven't noticed": the visitor not noticing, not being unnoticed
        [w("i", "you", "we"), opt(lem("have", "do")), NEG, ADV, w("noticed", "notice", "noticing")],
        [w("without"), w("noticing", "realising", "realizing")],
    ],
    "validation": [
        [lem("pay"), ADV, w("attention")],
        [w("attention"), w("span", "to")],
    ],
    "boredom": [
        [w("nothing", "something", "anything"), w("to"), w("do"), w("with")],
        [w("nothing"), opt(w("else", "much")), ADV, w("going"), w("on"), w("between", "with", "in", "inside")],
    ],
    "excitement": [
        [w("in"), w("a"), w("rush")],
        # someone else's new partner is not novelty for the visitor: "her new guy"
        [w("her", "his", "their"), w("new"), {"IS_ALPHA": True}],
        [w("ex", "wife", "husband", "partner", "girlfriend", "boyfriend", "she", "he"), opt(IS), opt(w("now")),
         w("with"), w("someone", "somebody"), w("new")],
        [w("head", "mind", "brain", "thoughts", "body"), opt(lem("be")), opt(IS), ADV, w("buzzing", "buzz", "buzzes")],
        [opt(w("a", "the")), w("high"), w("school", "street", "street's")],
    ],
    "chasing": [
        [lem("check"), w("my", "the", "our"), w("bank", "account", "balance", "statement", "statements", "emails",
                                               "email", "work", "diary", "calendar")],
        [w("less", "reduce", "reducing", "cut", "limit", "lower"), opt(w("down", "my")), w("screen"), w("time")],
        # someone else checking: "she checks my phone"
        [w("she", "he", "they", *PARTNERS), ADV, opt(lem("keep")), lem("check", "checking"), opt(w("through")),
         opt(w("my", "the", "his", "her", "our")),
         opt(w("phone", "messages", "notifications", "apps", "app", "history", "texts", "emails"))],
        [w("back"), w("for"), w("more"), w("money", "cash", "pics", "photos", "images", "videos")],
        [lem("go", "get", "jump", "hop", "end", "be"), ADV, w("back"), w("on"), w("track", "form")],
        # "I'll be back on Monday", "back on nights", "back on my meds"
        [lem("go", "get", "jump", "hop", "end", "be"), ADV, w("back"), w("on"),
         w("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "nights", "days", "shift",
           "shifts", "duty", "call", "speaking", "medication", "meds", "tablets", "antidepressants")],
        [lem("go", "get", "jump", "hop", "end", "be"), ADV, w("back"), w("on"),
         w("my", "his", "her", "your", "our", "their", "the"), w("feet", "word", "promise", "decision", "wagon")],
        # "I don't get enough sleep": not enough of something else, not the chase
        [NEG, ADV, opt(lem("get", "have")), ADV, w("enough"),
         w("sleep", "rest", "exercise", "food", "money", "time", "hours", "daylight", "sun", "sunlight",
           "fresh", "support", "help", "downtime", "energy", "water")],
        [w("i"), opt(lem("be")), NEG, ADV, opt(w("good", "attractive", "pretty", "interesting", "sexy")),
         w("enough")],
        [w("am"), NEG, ADV, opt(w("good", "attractive", "pretty", "interesting", "sexy")), w("enough")],
    ],
    "shame_after": [
        [lem("eat", "food"), ADV, w(*BAD_FEELINGS)],
        # a bad thing, not a bad feeling: "a horrible commute", "a shit day"
        [w(*BAD_FEELINGS, "bad"), w("commute", "day", "days", "week", "weeks", "job", "boss", "shift", "shifts", "night",
                                    "nights", "date", "dates", "time", "weather", "sleep", "traffic", "journey",
                                    "meeting", "meetings", "morning", "mornings", "evening", "weekend", "row",
                                    "argument", "news", "breakup", "break", "year", "month", "period", "situation")],
        # "after a shit day": what came before, not how it feels afterwards
        [w("after"), w("a", "the", "my", "another", "one", "such"), ADV, w(*BAD_FEELINGS, "bad", "hard", "long", "rough"),
         w("day", "days", "week", "shift", "night", "evening", "morning", "date", "row", "one")],
        # "I would be so embarrassed": imagined, not felt
        [w("would"), ADV, w("be"), ADV, ADV, w("embarrassed", "ashamed", "mortified", "humiliated", "gutted")],
        [w("house", "flat", "home", "room", "place", "bed"), lem("feel", "seem", "look"), ADV, ADV, w("empty")],
        [w("a", "what"), w("shame")],
        [w("house", "flat", "home", "room", "place"), lem("be"), ADV, w("empty")],
        [w("house", "flat", "home", "room", "place"), ADV, w("empty")],
        [w("dirty"), w("talk", "talking", "chat", "messages", "pics", "photos")],
        [lem("talk"), w("dirty")],
        [w("empty"), w("house", "flat", "home", "bed", "room", "apartment", "evening", "evenings", "weekends",
                       "days", "promises")],
    ],
    "escape_soothing": [
        # keeping the peace with someone, or peace with a decision, is not the visitor's calm
        [lem("keep", "make", "made"), w("the", "my", "our", "their"), w("peace")],
        [lem("make", "made", "at"), w("peace"), w("with")],
        [w("peace"), w("with")],
        [lem("can", "could"), NEG, ADV, w("relax", "unwind", "switch", "settle", "calm", "cope")],
    ],
    "body_sensations": [
        [w("tired", "sick"), w("of")],
        [w("sick"), w("and"), w("tired")],
        [w("heavy"), w("user", "use", "users", "phone")],
        [w("about", "of", "with"), w("my"), w("body")],
        [w("a", "the"), w("pain"), opt(w("in"))],
        [w("least", "less", "more", "most"), w("painful")],
        [w("sore"), w("point", "loser", "subject")],
    ],
    "secrecy": [
        [lem("pretend"), w("to"), w("work", "listen", "watch", "read", "sleep")],
        # a wish to stop is the wish only: "I'd like to stop lying", "no more secrets"
        [w("to", "and", "just", "finally"), lem("stop", "quit"), ADV, w("lying", "hiding", "sneaking", "pretending",
                                                                         "lie", "hide")],
        [w("no"), w("more"), w("secrets", "secret", "lies", "lying", "hiding", "sneaking")],
        # "no one to hide it from", "nothing to hide": there is no secret
        [w("no", "nobody", "nothing", "noone"), opt(w("one")), w("to"), lem("hide", "lie", "sneak"),
         opt(w("it", "anything", "this")), opt(w("from", "to"))],
        # "no one knows me better than my wife": knowing the visitor, not knowing about it
        [w("nobody", "no"), opt(w("one")), opt(ANY), opt(ANY), lem("know"), w("me", "him", "her", "them", "us")],
        [w("without"), w("noticing", "realising", "realizing")],  # the visitor's own, not hiding from someone
        [lem("lie"), w("in", "on", "down", "awake", "there", "around", "back", "next", "flat", "still", "here",
                       "beside")],
    ],
    "partner_trust": [
        [w("business"), w("partner")],
        [w("distant"), w("from"), opt(w("my")), opt(w("own")), w("body", "feelings", "emotions", "self", "myself", "it")],
        [lem("trust"), w("myself")],
        [w("relationship"), w("with"), opt(w("my", "the")), w("phone", "food", "alcohol", "myself", "porn",
                                                               "apps", "screens", "technology", "money")],
    ],
    "sleep": [
        OTHERS_ASLEEP,
        # "I sleep like a baby, no issues there": sleep that is fine
        [lem("sleep"), w("like"), w("a"), w("baby", "log", "rock")],
        [lem("sleep"), w("with", "around", "together")],
        # other people waking: "when everyone else is waking up"
        [w("everyone", "everybody", "kids", "children", "baby", "wife", "husband", "partner", "he", "she", "they",
           "world"), opt(w("else")), opt(IS), ADV, w("waking", "wake", "wakes", "woke"), w("up")],
        # a night out is not sleep; "a bad night" is
        [opt(w("late", "bad", "rough", "big", "good", "a", "the", "at", "all")), w("night", "nights"), w("out", "outs")],
    ],
    "exercise": [
        [lem("run"), w("out", "into", "late", "away")],
        # "I'm the one running the conversation": being in charge, not running
        [lem("run"), opt(w("the", "a", "my", "our", "this", "that")),
         w("conversation", "conversations", "chat", "chats", "show", "game")],
        [w("school"), lem("run")],
        [lem("run"), opt(w("a", "the", "my", "our", "his", "her", "their")), opt(w("small", "own", "little", "family")),
         w("business", "company", "shop", "team", "house", "household", "bath", "errand", "errands", "pub",
           "restaurant", "department", "firm", "store", "cafe", "meeting", "meetings")],
        [lem("walk"), w("away", "in", "into", "out", "past", "off")],
        [lem("move"), w("on", "in", "out", "house", "away", "forward", "between", "to", "here", "abroad", "back",
                        "over", "across", "country", "city", "jobs", "flat", "home")],
        [w("the", "this", "a", "vicious", "endless", "that", "same"), w("cycle")],
        [w("sexually"), w("active")],
        [w("active"), w("on", "users", "user", "profile")],
        [lem("work"), w("out"), w("why", "what", "how", "if", "whether", "who", "where", "when")],
    ],
    "mood_energy": [
        # "flat out at work", "flat broke": not a flat mood
        [opt(w("feel", "feeling", "felt", "bit", "so", "pretty", "quite", "more", "really", "just", "am", "kind", "and",
               "then", "kinda", "totally", "been", "getting")),
         w("flat"), w("out", "broke", "pack", "packed", "white", "screen", "cap", "rate", "fee", "mate", "mates", "share",
                      "hunting", "tyre", "battery")],
        [lem("eat", "food"), ADV, w(*BAD_FEELINGS)],
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
        # being chosen is being wanted (validation), not a choice of one's own
        [lem("be", "get", "feel"), ADV, w("chosen", "picked", "selected")],
        [lem("choose", "pick"), w("me", "us")],
        [lem("stop", "quit"), w("feeling", "lying", "hiding", "thinking", "worrying", "being", "sneaking", "by", "living",
                        "pretending")],
        [w("free"), w("time", "trial", "account")],
    ],
    "wish_honesty": [
        # "Being honest, I'm usually ...": a way of speaking, like "to be honest"
        [{**SENT_START, "LOWER": "being"}, w("honest"), w(","),
         w("i", "it", "its", "my", "the", "we", "he", "she", "that", "most", "mostly", "usually", "im")],
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
        # "I feel less close to him": distance (loneliness), not a wish for closeness
        [lem("feel", "be", "get", "grow", "become"), opt(w("so", "much", "a", "bit", "lot", "even")), opt(w("bit", "lot")), w("less"),
         w("close", "closer", "connected")],
        # "a relationship where I don't have to hide anything": the wish is what the clause says
        [w("a", "the"), w("relationship", "marriage"), w("where", "in", "that", "without")],
        [w("our", "my", "his", "her", "their"), w("relationship", "relationships")],  # described, not wished for
        [opt(w("healthier", "healthy", "better", "balanced", "normal")), w("relationship"), w("with"),
         opt(w("my", "the")), w("phone", "food", "alcohol", "myself", "porn", "apps", "screens", "technology", "money",
                                "sex", "internet")],
    ],
    "wish_presence": [
        [w("at", "a", "birthday", "christmas"), w("present")],
    ],
}
# A word considered and set aside, for every theme: "I was going to say bored but it's more
# that I feel rejected" (GUIDELINE.md).
CONSIDERED: Pattern = [
    w("going", "gonna", "gon"), opt(w("na")), opt(w("to")), w("say"), opt(w("i", "it", "its")),
    opt(w("am", "'s", "s", "is", "was", "feel", "felt")), opt(w("feel", "feeling", "just", "really", "more")),
    {"IS_ALPHA": True}, opt({"IS_ALPHA": True}), w("but"), {"LOWER": {"NOT_IN": ["also", "both", "too", "and"]}},
]
for _theme in CUES:
    EXCLUDE[_theme] = [*EXCLUDE.get(_theme, ()), CONSIDERED]
# fmt: on
