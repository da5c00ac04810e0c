"""What a visitor's sentence says to the enquiry form: a name, an email address, a phone number,
a question, an edit of the summary.

Pure functions over the text of one message (no I/O, no Rasa import). Nothing here logs, and the
reasons returned never contain what was typed, so callers may log them.

- :func:`find_name`: "my name's Joanna", "I'm Jo", "call me Jo", "it's Sam" or a bare "Joanna";
  "I'm fine", "I'm not sure", "I'm nervous" are not names.
- :func:`find_email`: the one email address in a message, or why the address typed is wrong.
- :func:`find_phone`: the one phone number in a message (phonenumbers' ``PhoneNumberMatcher``),
  or why it is wrong (too short, too long, no country code, a TV and film number).
- :func:`is_question`: a question rather than an answer ("wait, does he see couples?").
- :func:`parse_edit`: "change the name to Jo", "use my phone instead: 07...", "remove the times".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import List, Tuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from assistant.settings import MAX_MESSAGE_CHARS

EMAIL_MAX = 254


class Problem(str, Enum):
    """Why an email address or phone number was not accepted (never contains the value)."""

    NONE_FOUND = "none_found"
    SEVERAL = "several"
    # email
    NO_AT = "no_at"
    BEFORE_AT = "before_at"
    DOMAIN = "domain"
    CHARACTERS = "characters"
    TOO_LONG = "too_long"
    # phone
    TOO_SHORT = "too_short"
    PHONE_TOO_LONG = "phone_too_long"
    COUNTRY_CODE = "country_code"
    RESERVED = "reserved"
    INVALID = "invalid"


@dataclass(frozen=True)
class Found:
    """A value found in a sentence, or the problem with what looked like one."""

    value: str | None = None
    problem: Problem | None = None
    digits: int = 0  # how many digits a refused phone number had (for "too short")

    @property
    def ok(self) -> bool:
        """True when a usable value was found."""
        return self.value is not None


# ---------------------------------------------------------------- names

_APOSTROPHE = re.compile(r"[’‘`´]")
_NAME_INTRO = re.compile(
    r"(?:^|[\s,.;:!(])(?:my\s+name\s*(?:'s|is)|name\s*(?:'s|is|:)|i\s*'?\s*a?m|i\s+am|call\s+me|"
    r"you\s+can\s+call\s+me|it\s*'?s|it\s+is|this\s+is|people\s+call\s+me|they\s+call\s+me|"
    r"just\s+put|put\s+down|use)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
# Words that end a name ("Jo and I'd like...", "Sam, by the way").
_NAME_STOP = frozenset(
    """and but or so because though although if when with from please thanks thank by for
    as to at on in is am are was im i'm i i'd i'll i've my me you your he his she her we our they
    the a an this that here there just only really also""".split()
)
# What follows "I'm" / "it's" when it is not a name: feelings, states, fillers.
_NOT_NAMES = frozenset(
    """fine ok okay good great well alright allright not unsure sure nervous worried anxious scared
    afraid frightened embarrassed ashamed sorry here looking wondering trying hoping thinking
    feeling married single divorced separated struggling confused lost stuck tired exhausted
    depressed sad lonely upset angry ready happy glad new back done finished busy free available
    interested curious hesitant reluctant uncomfortable private shy a an the just really very so
    too quite bit little kind sort nobody noone anonymous male female gay straight bi trans over
    under about around in on at for from with without going getting doing being having after before
    still always never actually probably maybe perhaps literally currently that this it what who
    him her them yes no nope yeah yep hi hello hey""".split()
) - {"anonymous"}
# Phrases that are never a name even when typed on their own.
_NOT_A_NAME_PHRASES = re.compile(
    r"^(?:i\s*'?\s*(?:d|would)\s+rather\s+not|rather\s+not|prefer\s+not|don'?t\s+know|dont\s+know|"
    r"not\s+sure|no\s+idea|no\s+name|none|nothing|no|nope|pass|skip|why|what|huh|idk|n/?a)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'\-.]*", re.UNICODE)
NAME_WORDS_MAX = 4


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _APOSTROPHE.sub("'", text or "")).strip()


def _name_words(rest: str) -> List[str]:
    """The leading words of ``rest`` that can be part of a name."""
    words: List[str] = []
    for raw in re.split(r"\s+", rest.strip()):
        token = raw.strip("\"'()[]")
        end = bool(re.search(r"[,.;:!?)]$", token))
        token = token.rstrip(",.;:!?)")
        if not token or not _WORD.fullmatch(token) or token.lower() in _NAME_STOP:
            break
        words.append(token)
        if end or len(words) == NAME_WORDS_MAX:
            break
    return words


def _is_name(words: List[str]) -> bool:
    if not words or words[0].lower() in _NOT_NAMES:
        return False
    if any("@" in w for w in words):
        return False
    # "I'm struggling", "it's complicated": a lower-case -ing/-ed word is a state, not a name.
    first = words[0]
    return not (first.islower() and re.search(r"(?:ing|ed|ly)$", first))


def find_name(text: str) -> Found:
    """The name in a sentence: ``Found(value=...)``, or ``Found(problem=NONE_FOUND)``.

    "my name's Joanna" -> Joanna; "hi, I'm Jo, jo@example.com" -> Jo; "call me J.J." -> J.J.;
    "Joanna Smith" -> Joanna Smith; "I'm not sure" / "I'm fine" / "I'd rather not" -> no name.
    """
    cleaned = _clean(text)
    # The email address or phone number in the same message is not part of the name.
    cleaned = re.sub(r"\S+@\S+", " , ", cleaned)
    cleaned = re.sub(r"\+?\d[\d ()\-]{5,}\d", " , ", cleaned).strip(" ,")
    if not cleaned or _NOT_A_NAME_PHRASES.match(cleaned):
        return Found(problem=Problem.NONE_FOUND)
    intro = None
    for match in _NAME_INTRO.finditer(cleaned):
        intro = match  # the last "call me ..." wins over an earlier "my name is ..."
    if intro is None:
        # Leading greetings: "hi, Jo here", "hello Sam".
        bare = re.sub(r"^(?:hi|hello|hey|ok|okay|sure|yes|yeah)\b[\s,!.]*", "", cleaned, flags=re.I)
        bare = re.sub(r"\s+here[.!]?$", "", bare, flags=re.I)
        words = _name_words(bare)
        pronouns = {"he", "she", "you", "i", "it", "this", "that", "there", "we", "they", "my", "your"}
        asked = "?" in bare or any(w.lower() in pronouns for w in bare.split()[1:])
        if words and not asked and len(bare.split()) <= NAME_WORDS_MAX and _is_name(words):
            return Found(value=" ".join(words))
        return Found(problem=Problem.NONE_FOUND)
    words = _name_words(intro.group("rest"))
    if _is_name(words):
        return Found(value=" ".join(words))
    return Found(problem=Problem.NONE_FOUND)


def said_not_a_name(text: str) -> bool:
    """True for what is said instead of a name: "I'm not sure", "I'm nervous", "I'd rather not"."""
    cleaned = _clean(text)
    if _NOT_A_NAME_PHRASES.match(cleaned):
        return True
    intro = _NAME_INTRO.search(cleaned)
    return intro is not None and not find_name(cleaned).ok


# ---------------------------------------------------------------- email addresses

_EMAIL_TOKEN = re.compile(r"[^\s<>()\[\]\"',;]*@[^\s<>()\[\]\"',;]*")
_EMAIL_SPACED = re.compile(r"\S+\s+@\s*\S+|\S+@\s+\S+")
_EMAIL_LIKE = re.compile(r"\b[\w.+-]+\.(?:com|co\.uk|org|net|uk|ie|io|me)\b", re.IGNORECASE)


def _email_problem(message: str) -> Problem:
    lowered = message.lower()
    if "must have an @" in lowered:
        return Problem.NO_AT
    if "before the @" in lowered and "something" in lowered:
        return Problem.BEFORE_AT
    if "invalid characters" in lowered or "not allowed" in lowered:
        return Problem.CHARACTERS
    if "too long" in lowered:
        return Problem.TOO_LONG
    return Problem.DOMAIN


def find_email(text: str, expect: bool = False) -> Found:
    """The one email address in a sentence ("jo@example.com is best"), normalised.

    Without an ``@``: ``NONE_FOUND``, or ``NO_AT`` when ``expect`` (the email step) and the text
    looks like an address without one ("jo.example.com"). Two addresses: ``SEVERAL``.
    """
    cleaned = _clean(text)
    if _EMAIL_SPACED.search(cleaned) and len(_EMAIL_TOKEN.findall(cleaned)) == 1:
        return Found(problem=Problem.CHARACTERS)
    tokens = [t.strip(".!?:;") for t in _EMAIL_TOKEN.findall(cleaned)]
    tokens = [t[len("mailto:") :] if t.lower().startswith("mailto:") else t for t in tokens if t]
    if not tokens:
        if expect and _EMAIL_LIKE.search(cleaned):
            return Found(problem=Problem.NO_AT)
        return Found(problem=Problem.NONE_FOUND)
    if len(set(t.lower() for t in tokens)) > 1:
        return Found(problem=Problem.SEVERAL)
    address = tokens[0]
    if len(address) > EMAIL_MAX:
        return Found(problem=Problem.TOO_LONG)
    if address.count("@") > 1:
        return Found(problem=Problem.CHARACTERS)
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return Found(problem=_email_problem(str(error)))
    return Found(value=result.normalized)


# ---------------------------------------------------------------- phone numbers

# Ofcom's numbers for TV, film and radio drama (never allocated to anyone), as E.164 digit
# prefixes: 07700 900000-900999, 01632 960000-960999, 020 7946 0000-0999, the big cities'
# 0xxx 496 0000-0999 (0191 498 0xxx), 0808 157 0xxx, 0909 879 0xxx and 03069 990xxx.
RESERVED_PREFIXES: Tuple[str, ...] = (
    "447700900",
    "441632960",
    "442079460",
    "441134960",
    "441144960",
    "441154960",
    "441164960",
    "441174960",
    "441184960",
    "441214960",
    "441314960",
    "441414960",
    "441514960",
    "441614960",
    "441914980",
    "442890180",
    "442920180",
    "448081570",
    "449098790",
    "443069990",
)
# A run of digits that looks like an attempt at a phone number (at least 5 digits).
_DIGIT_RUN = re.compile(r"(?<![\w@])\+?\(?\d[\d ()\-.]{3,}\d(?![\w@])")


def is_reserved(number: phonenumbers.PhoneNumber) -> bool:
    """True for a number in Ofcom's ranges for TV and film drama."""
    digits = f"{number.country_code}{number.national_number}"
    return digits.startswith(RESERVED_PREFIXES)


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_problem(raw: str, region: str) -> Found:
    digits = re.sub(r"\D", "", raw)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return Found(problem=Problem.INVALID, digits=len(digits))
    if is_reserved(number):
        return Found(problem=Problem.RESERVED, digits=len(digits))
    if phonenumbers.is_valid_number(number):
        return Found(value=_e164(number))
    international = raw.strip().startswith("+") or raw.strip().startswith("00")
    if not international:
        if region == "GB" and not digits.startswith("0") and len(digits) >= 7:
            return Found(problem=Problem.COUNTRY_CODE, digits=len(digits))
        if len(digits) <= 10:
            return Found(problem=Problem.TOO_SHORT, digits=len(digits))
        if len(digits) > 11:
            return Found(problem=Problem.PHONE_TOO_LONG, digits=len(digits))
        return Found(problem=Problem.INVALID, digits=len(digits))
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        return Found(problem=Problem.TOO_SHORT, digits=len(digits))
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return Found(problem=Problem.PHONE_TOO_LONG, digits=len(digits))
    return Found(problem=Problem.INVALID, digits=len(digits))


def find_phone(text: str, region: str = "GB", expect: bool = False) -> Found:
    """The one phone number in a sentence ("Ring me on 07911 123456"), in E.164 form.

    A number that isn't valid says why (``TOO_SHORT``, ``PHONE_TOO_LONG``, ``COUNTRY_CODE``
    for a number that isn't UK and has no +, ``RESERVED`` for Ofcom's drama ranges). Without
    ``expect`` (any step but the phone step) only numbers of at least 9 digits count, so a time
    ("after 6") or a year is never read as one.
    """
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > MAX_MESSAGE_CHARS:
        return Found(problem=Problem.NONE_FOUND)
    found: List[str] = []
    for match in phonenumbers.PhoneNumberMatcher(cleaned, region, leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        if is_reserved(number):
            return Found(problem=Problem.RESERVED, digits=len(re.sub(r"\D", "", match.raw_string)))
        if phonenumbers.is_valid_number(number):
            found.append(_e164(number))
    if len(set(found)) > 1:
        return Found(problem=Problem.SEVERAL)
    if found:
        return Found(value=found[0])
    runs = [run for run in _DIGIT_RUN.findall(cleaned) if len(re.sub(r"\D", "", run)) >= (5 if expect else 9)]
    if not runs:
        return Found(problem=Problem.NONE_FOUND)
    if len(runs) > 1:
        return Found(problem=Problem.SEVERAL)
    return _phone_problem(runs[0], region)


# ---------------------------------------------------------------- questions

_QUESTION_WORDS = re.compile(
    r"^(?:(?:wait|sorry|hang on|um+|erm|oh|ok|okay|so|and|but|also|quick question|actually|hmm+|hi)"
    r"[\s,.!:-]+)*(?:what|how|why|when|where|who|whom|whose|which|is|are|am|does|do|did|can|could|"
    r"will|would|should|shall|may|might|has|have|was|were|isn't|aren't|doesn't|don't|won't|"
    r"wouldn't|can't|couldn't)\b",
    re.IGNORECASE,
)
# "can you email me", "could he ring me on...", "please use ...": requests that are answers.
_REQUEST = re.compile(
    r"^(?:(?:wait|ok|okay|so|actually|and)[\s,.!]+)*(?:please\s+)?(?:can|could|would|will)\s+"
    r"(?:you|he|tim)\s+(?:please\s+)?(?:just\s+)?"
    r"(?:e-?mail|mail|ring|call|phone|text|message|contact|reach|reply|get back|use|put|change|"
    r"make|set|remove|delete|drop|add|send|update|correct|fix)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """A question rather than an answer: a "?" or a question word first, but not a request
    ("can you email me?") that answers the step."""
    cleaned = _clean(text)
    if not cleaned or _REQUEST.match(cleaned):
        return False
    return "?" in cleaned or bool(_QUESTION_WORDS.match(cleaned))


_OPTIONAL_QUESTION = re.compile(
    r"\b(?:optional|can i skip|(?:do|must) i (?:have|need) to (?:answer|give|fill|write|add|say|put|do|tell)|"
    r"(?:is|it'?s) (?:this|it|that) (?:required|compulsory|necessary|needed|mandatory)|"
    r"can i leave (?:it|this|that) (?:out|blank|empty))\b",
    re.IGNORECASE,
)
_WHY_QUESTION = re.compile(
    r"\b(?:why|what for|what (?:is|'s) it for|what do you need|who sees|who will see)\b", re.I
)
_CONSENT_QUESTION = re.compile(
    r"\b(?:say no|said no|don'?t agree|do not agree|refuse|decline|if i (?:say )?no|what happens|stored|"
    r"store|kept|keep|delete|deleted|data|who (?:sees|will see|can see|reads)|how long|gdpr|private|"
    r"privacy|special category|safe|secure|confidential)\b",
    re.IGNORECASE,
)


_METHOD_AS_QUESTION = re.compile(
    r"^(?:(?:um+|erm|so|ok|okay|hmm+)[\s,]+)?(?:would|could|can|is|will|does)\s+(?:an?\s+)?(?:e-?mail|phone|text|call|ring)"
    r"(?:\s+(?:be|do|work|suit))?(?:\s+(?:ok|okay|fine|alright|all right|better|best))?(?:\s+(?:for\s+(?:you|him)|instead))?[\s?!.]*$|"
    r"^(?:e-?mail|phone|text|a call)\s+(?:ok|okay|fine|alright)\s*\?*$",
    re.IGNORECASE,
)


def offers_method(text: str) -> bool:
    """A method offered as a question ("would email be ok?", "phone ok?"): an answer, not a question."""
    return bool(_METHOD_AS_QUESTION.match(_clean(text)))


def asks_if_optional(text: str) -> bool:
    """ "is this optional?", "do I have to?"."""
    return bool(_OPTIONAL_QUESTION.search(_clean(text)))


def asks_why(text: str) -> bool:
    """ "why do you need my name?", "what's it for?"."""
    return bool(_WHY_QUESTION.search(_clean(text)))


def asks_about_consent(text: str) -> bool:
    """A question about the consent itself: "what happens if I say no?", "how long is it kept?"."""
    return bool(_CONSENT_QUESTION.search(_clean(text)))


# ---------------------------------------------------------------- edits at the confirmation step

FIELDS = ("name", "contact", "who_for", "availability", "message")
_FIELD_WORDS: Tuple[Tuple[str, str], ...] = (
    ("message", r"message|note|text of (?:it|the enquiry)|what i wrote"),
    (
        "availability",
        r"(?:preferred\s+)?(?:days?(?:\s+and\s+times?)?|times?|availability|when i'?m free|hours?)",
    ),
    ("name", r"(?:first\s+)?name|alias|what (?:he|you) call me"),
    (
        "contact",
        r"contact(?:\s+details?)?|e-?mail(?:\s+address)?|phone(?:\s+number)?|mobile(?:\s+number)?|number|address|how (?:he|to) (?:reply|reach me|contact me)",
    ),
    ("who_for", r"who (?:it'?s|it is|the enquiry is) (?:about|for)|who for|about who|about whom|who"),
)
_CHANGE_VERB = r"(?:change|edit|fix|update|correct|amend|make|set|replace|switch|put|use|swap)"
_REMOVE_VERB = (
    r"(?:remove|delete|drop|clear|take\s+out|leave\s+out|get\s+rid\s+of|skip|cut|no|without|forget)"
)
_VALUE_SEP = (
    r"(?:\s*(?:to|into|as|with|for|instead|:|=|->|should\s+(?:be|say|read)|is|so\s+it\s+(?:says|reads))\s*)+"
)


@dataclass(frozen=True)
class Edit:
    """A change asked for at the confirmation step.

    ``field`` is one of :data:`FIELDS` or None ("change something"); ``value`` is the new raw
    text when one was given ("change the name to Jo" -> "Jo"); ``remove`` for "remove the times".
    """

    field: str | None = None
    value: str | None = None
    remove: bool = False


def parse_edit(text: str) -> Edit | None:
    """The edit a confirmation-step message asks for, or None if it isn't one.

    "change the name to Jo" -> Edit("name", "Jo"); "Can you change the message to: ..." ->
    Edit("message", "..."); "use my phone instead: 07911 123456" -> Edit("contact", "07911 123456");
    "remove the times" -> Edit("availability", remove=True); "change something" -> Edit().
    """
    cleaned = _clean(text)
    lowered = cleaned.lower()
    lead = r"^(?:(?:please|ok|okay|actually|sorry|oh|oops|wait|hmm|and|also|yes|no)[\s,.!]+)*(?:(?:can|could|would)\s+(?:you|we|i)\s+(?:please\s+)?|i'?d\s+like\s+to\s+|i\s+(?:want|need|have)\s+to\s+|i'?ll\s+|let'?s\s+|let\s+me\s+|please\s+)?"
    # "remove the times", "can you delete my message", "no times please"
    for field, words in _FIELD_WORDS:
        if re.match(rf"{lead}{_REMOVE_VERB}\s+(?:the\s+|my\s+|any\s+)?(?:{words})\b", lowered):
            return Edit(field=field, remove=True)
        if re.match(rf"{lead}(?:take|leave)\s+(?:the\s+|my\s+)?(?:{words})\s+out\b", lowered):
            return Edit(field=field, remove=True)
    # Just a field named ("the name", "my email please"), as after "what would you like to change?"
    for field, words in _FIELD_WORDS:
        if re.match(rf"{lead}(?:the\s+|my\s+)?(?:{words})(?:\s+please)?[\s.!]*$", lowered):
            return Edit(field=field)
    verb = re.match(rf"{lead}{_CHANGE_VERB}\b", lowered)
    mine = re.match(
        rf"{lead}(?:my|the)\s+(?:{'|'.join(w for _, w in _FIELD_WORDS)})\s+(?:is|should be)\b", lowered
    )
    wrong = re.search(r"\b(?:wrong|mistake|typo|not right|incorrect)\b", lowered)
    if not (verb or mine or wrong):
        return None
    located = _first_field(lowered)
    if located is None:
        return Edit()
    field, end = located
    # The value follows the field word: "the message to: ...", "the name should be Jo".
    after = cleaned[end:]
    value = re.match(rf"{_VALUE_SEP}(?P<v>.+)$", after, flags=re.IGNORECASE | re.DOTALL)
    if field == "contact" and not value:
        # "use my phone instead 07911 123456", "use this email jo@x.com"
        value = re.match(r"\s*(?:instead|please|then)?[\s,:]*(?P<v>.*[\d@].*)$", after, flags=re.I)
    raw = value.group("v").strip() if value else ""
    raw = re.sub(
        r"^(?:wrong|not right|incorrect|a mistake|a typo)\b[\s,.;:-]*(?:(?:it\s*'?s|it\s+is|it\s+should\s+be|should\s+be|make\s+it)\s+)?",
        "",
        raw,
        flags=re.I,
    )
    raw = re.sub(r"^(?:instead|please)[\s,:]+", "", raw, flags=re.I).strip()
    raw = re.sub(r"[\s,]+(?:instead|please|thanks|thank you)[.!]*$", "", raw, flags=re.I).strip()
    raw = raw.strip('"“”') if field == "message" else raw.strip("\"“”'").rstrip(".!")
    return Edit(field=field, value=raw or None)


def _first_field(lowered: str) -> Tuple[str, int] | None:
    """The field named first in a message, and where its words end."""
    best: Tuple[int, str, int] | None = None
    for field, words in _FIELD_WORDS:
        found = re.search(rf"\b(?:{words})\b", lowered)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), field, found.end())
    return (best[1], best[2]) if best else None
