"""Pure checks for what a visitor types into the enquiry form.

Every function takes the raw text and returns a :class:`Checked`: the normalised value, or a
reason code (:class:`Reason`) the form can turn into a response. Reasons never repeat the input,
so they are safe to log. No I/O: email addresses are checked for syntax only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

NAME_MAX = 60
AVAILABILITY_MAX = 200
MESSAGE_MAX = 500
EMAIL_MAX = 254

CONTACT_METHODS = ("email", "phone", "either")
WHO_FOR = ("me", "me_and_partner", "partner")
ROUTES = ("individual", "couple_partner", "general")


class Reason(str, Enum):
    """Why a value was not accepted (safe to log: it never contains the value)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    NOT_A_NAME = "not_a_name"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Checked:
    """The outcome of a check: ``value`` when accepted (``None`` for a skipped optional field)."""

    value: str | None = None
    error: Reason | None = None

    @property
    def ok(self) -> bool:
        """True when the input was accepted (including an optional field left out)."""
        return self.error is None


def accept(value: str | None) -> Checked:
    """An accepted value."""
    return Checked(value=value)


def reject(reason: Reason) -> Checked:
    """A rejected value."""
    return Checked(error=reason)


_SKIP_WORDS = frozenset(
    {
        "skip",
        "no",
        "nope",
        "none",
        "nothing",
        "n/a",
        "na",
        "-",
        "no thanks",
        "no thank you",
        "pass",
        "not really",
        "nothing else",
        "no message",
        "nothing to add",
        "no need",
        "not now",
        "i'm good",
        "im good",
        "all good",
    }
)
# "no message, thanks": a polite ending doesn't make a skip an answer
_POLITE_TAIL = re.compile(r"[\s,]*\b(?:thanks|thank you|thx|ta|cheers|please)$")
_URL = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(com|net|org|co|uk|io|info|biz|me|app|xyz|ly|de|fr|eu|tv|online|site)\b)",
    re.IGNORECASE,
)


def clean_text(text: str | None, keep_newlines: bool = False) -> str:
    """Text with control characters removed and whitespace collapsed (newlines kept on request)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    kept = []
    for char in text:
        if char == "\n" and keep_newlines:
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"}:
            continue
        else:
            kept.append(char)
    text = "".join(kept)
    if keep_newlines:
        lines = [re.sub(r" +", " ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return re.sub(r" +", " ", text).strip()


def is_skip(text: str | None) -> bool:
    """True when the visitor chose not to answer an optional question."""
    cleaned = clean_text(text).lower().strip(" .!")
    return cleaned in _SKIP_WORDS or _POLITE_TAIL.sub("", cleaned).strip(" .!,") in _SKIP_WORDS


def check_name(text: str | None) -> Checked:
    """A name or alias: 1-60 characters with at least one letter, not an address or a link."""
    name = clean_text(text)
    if not name:
        return reject(Reason.EMPTY)
    if len(name) > NAME_MAX:
        return reject(Reason.TOO_LONG)
    if not any(char.isalpha() for char in name) or "@" in name or _URL.search(name):
        return reject(Reason.NOT_A_NAME)
    return accept(name)


def check_email(text: str | None) -> Checked:
    """An email address (syntax only, no DNS), normalised; taken from a sentence if it has one."""
    cleaned = clean_text(text)
    if not cleaned:
        return reject(Reason.EMPTY)
    candidates = [token for token in cleaned.split(" ") if "@" in token]
    if len(candidates) != 1:
        return reject(Reason.INVALID)
    address = candidates[0].strip("<>()[]\"',;:.!?")
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    if len(address) > EMAIL_MAX:
        return reject(Reason.TOO_LONG)
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return reject(Reason.INVALID)
    return accept(result.normalized)


def check_phone(text: str | None, region: str = "GB") -> Checked:
    """A phone number (UK by default, or international with +), returned in E.164 form."""
    cleaned = clean_text(text)
    if not cleaned:
        return reject(Reason.EMPTY)
    if len(cleaned) > 100:
        return reject(Reason.TOO_LONG)
    matches = [match.number for match in phonenumbers.PhoneNumberMatcher(cleaned, region)]
    if len(matches) > 1:
        return reject(Reason.INVALID)
    if matches:
        number = matches[0]
    else:
        try:
            number = phonenumbers.parse(cleaned, region)
        except phonenumbers.NumberParseException:
            return reject(Reason.INVALID)
    if not phonenumbers.is_valid_number(number):
        return reject(Reason.INVALID)
    return accept(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9']+", " ", text.lower().replace("’", "'")) + " "


_NEGATION = r"(?:not|no|don't|dont|never|rather not|prefer not)\s+(?:by\s+|via\s+|to\s+|a\s+)?"
_EMAIL_WORDS = r"(?:e ?mail(?:ed|ing)?|mail|write|written|inbox)"
_PHONE_WORDS = r"(?:phone(?:d)?|call(?:ed)?|ring|text(?:ed)?|sms|mobile|telephone|number|whatsapp)"
_EITHER = re.compile(
    r" (either|any|both|whichever|anything|no preference|don't mind|dont mind|doesn't matter|"
    r"does not matter|whatever|up to you|either is fine) "
)


_LEADING_NO = re.compile(r"^\s*(?:no|nope|nah|no thanks)\s*[,.!;:-]+\s*(?=\S)", re.IGNORECASE)


def check_contact_method(text: str | None) -> Checked:
    """``email``, ``phone`` or ``either`` from free text ("email please", "text me", "call")."""
    # "no, phone me instead": the "no" answers the question before, it doesn't negate "phone".
    words = _words(_LEADING_NO.sub("", clean_text(text)))
    if not words.strip():
        return reject(Reason.EMPTY)
    if words.strip() in CONTACT_METHODS:
        return accept(words.strip())
    email_no = re.search(rf" {_NEGATION}{_EMAIL_WORDS} ", words)
    phone_no = re.search(rf" {_NEGATION}{_PHONE_WORDS} ", words)
    email = bool(re.search(rf" {_EMAIL_WORDS} ", words)) and not email_no
    phone = bool(re.search(rf" {_PHONE_WORDS} ", words)) and not phone_no
    if email and phone:
        return accept("either")
    if email or (phone_no and not phone):
        return accept("email")
    if phone or email_no:
        return accept("phone")
    if _EITHER.search(words):
        return accept("either")
    return reject(Reason.UNKNOWN)


_PARTNER = (
    r"(?:partner|wife|husband|boyfriend|girlfriend|spouse|fianc[eé]e?|other half|significant other|"
    r"bf|gf|hubby|missus|him|her|them)"
)
_ME = r"(?:me|myself|i|i'm|im|mine|my own|my self|individual|alone|solo)"
_TOGETHER = re.compile(
    rf" (?:both|us|we|we're|our|ourselves|couple|couples|together|joint|"
    rf"{_ME} and (?:my )?{_PARTNER}|(?:my )?{_PARTNER} and {_ME}|the two of us) "
)
_PARTNER_RE = re.compile(rf" (?:my {_PARTNER}|a partner|partner|for (?:him|her|them)|someone else|spouse) ")
_ME_RE = re.compile(rf" (?:{_ME}|just me|only me|for me) ")


def check_who_for(text: str | None) -> Checked:
    """``me``, ``me_and_partner`` or ``partner`` from free text ("just me", "both of us")."""
    words = _words(clean_text(text))
    if not words.strip():
        return reject(Reason.EMPTY)
    compact = words.strip().replace(" ", "_")
    if compact in WHO_FOR:
        return accept(compact)
    if _TOGETHER.search(words):
        return accept("me_and_partner")
    if _PARTNER_RE.search(words):
        return accept("partner")
    if _ME_RE.search(words):
        return accept("me")
    return reject(Reason.UNKNOWN)


def route_for(who_for: str | None) -> str:
    """The routing tag: ``individual``, ``couple_partner`` or ``general`` (no one named)."""
    if who_for == "me":
        return "individual"
    if who_for in {"me_and_partner", "partner"}:
        return "couple_partner"
    return "general"


def check_availability(text: str | None) -> Checked:
    """Preferred days and times: optional ("skip", "no" leave it out), at most 200 characters."""
    if text is None or is_skip(text):
        return accept(None)
    value = clean_text(text)
    if not value:
        return accept(None)
    if len(value) > AVAILABILITY_MAX:
        return reject(Reason.TOO_LONG)
    return accept(value)


def check_message(text: str | None) -> Checked:
    """An optional short message, at most 500 characters (longer is refused, never cut)."""
    if text is None or is_skip(text):
        return accept(None)
    value = clean_text(text, keep_newlines=True)
    if not value:
        return accept(None)
    if len(value) > MESSAGE_MAX:
        return reject(Reason.TOO_LONG)
    return accept(value)
