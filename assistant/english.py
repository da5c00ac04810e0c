"""Is a message written in a language other than English? (The assistant only understands English.)

Two signs, either enough: most letters are from a non-Latin script (Cyrillic, Greek,
Arabic, Hebrew, Devanagari, Thai, CJK, ...), or the message has at least two words
that are function words of another European language (and not English words) or are
spelled with letters English doesn't use, and more of them than English function words. Non-native English ("i am from spain, sorry for my
english") stays English; one borrowed word ("gracias!") is not enough.
"""

from __future__ import annotations

import re
import unicodedata

# Function words of other languages that are not also English words ("die", "come",
# "also", "will", "man", "hat", "son", "me", "no", "a" and the like are left out).
FOREIGN_WORDS = frozenset(
    """
    que del los las por para con una estoy tengo pero qué cómo soy muy también porque hola gracias
    quiero puedo esto está esta mis tus sus hay ser estar hacer tiene nada algo cuando donde dónde
    ich und nicht ist das der mit mein meine habe wie kann auch aber sehr hallo danke ein eine
    einen mich mir dich dir wir ihr sie sind hab bist nicht kein keine wenn weil oder noch schon
    je et les des est pas avec pour mon suis ai qui c'est bonjour merci très mais comment vous nous
    elle il ils j'ai je suis ça cette ces aussi parce
    io sono che il della per mio ciao grazie ho anche molto questo questa perché sei siamo
    eu não com meu minha sou obrigado obrigada olá muito você isso está tenho
    ik het niet een mijn ben heb wat hoe ook maar dank hoi jij wij zijn dit
    jest nie się jak mam czy że jestem moja mój dziękuję cześć bardzo
    bir ve bu çok nasıl merhaba teşekkür değil
    och jag är att inte det och hej tack mycket
    el la le es esta este dieser diese dieses è é necesito
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    i i'm im me my you your u ur the a an and or but is are am was were be been have has had do does
    did not no to of in on at for with from this that it its he she they we us him her them what how
    why when where who which can could would should will just so if about like because really
    """.split()
)
# Letters English doesn't use: a word with one counts as foreign (café alone is not enough).
_FOREIGN_LETTERS = re.compile(r"[ñäöüßçãõłśżźćęąğşåøœ]|[áíóú].*[aeiou]$")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def _non_latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    other = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    return other / len(letters)


def is_other_language(text: str) -> bool:
    """True when ``text`` reads as written in a language other than English."""
    letters = sum(1 for ch in text if ch.isalpha())
    if letters >= 4 and _non_latin_share(text) > 0.5:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return False
    foreign = sum(1 for w in words if w in FOREIGN_WORDS or _FOREIGN_LETTERS.search(w.lower()))
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    return foreign >= 2 and foreign > english


def has_foreign_sign(text: str) -> bool:
    """Any sign at all of another language: a non-Latin letter, or one word of another language.

    Weaker than :func:`is_other_language`; the classifier's ``other_language`` guess is kept
    only with such a sign (an English question was taken for another language without one)."""
    if _non_latin_share(text) > 0:
        return True
    return any(
        w in FOREIGN_WORDS or _FOREIGN_LETTERS.search(w) for w in (w.lower() for w in _WORD.findall(text))
    )
