"""Page answers as a conversation: the first reply, "what do you mean?", "tell me more", "the second one".

Everything here is composed from ``data/knowledge/page.yml`` (:mod:`assistant.knowledge`):
the first reply of a section in its ``short`` wordings (``data/responses/faq.yml`` is
generated from :func:`first_answers`), a plainer version, what the first reply left out,
one item of a list the reply gave, and a "Do you mean ...?" question when the classifier
can't tell two sections apart. :mod:`assistant.nlg` renders them inside Rasa, so they work
with the action server down, and finds the section the conversation is about from the
``section`` it records on each reply (:func:`last_answer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence

from assistant.knowledge import Item, Knowledge, Section, load_knowledge
from assistant.settings import get_settings

NEXT_STEP = "You can ask me something else or pick a topic, or get in touch with {therapist}."
MORE = "Tell me more"
STANDARD_BUTTONS = ("Show me the topics", "Reflect privately", "Get in touch")
# Keys recorded on a reply (Rasa keeps them in the bot event's metadata, never shown).
SECTION_KEY = "section"
FOLLOWUP_KEY = "followup"
CLARIFY_KEY = "offered"

Response = Dict[str, Any]


def knowledge(path: Path | None = None) -> Knowledge:
    """The page's knowledge (``KNOWLEDGE_FILE``), read once per process."""
    return _load(path or get_settings().knowledge_file)


@lru_cache(maxsize=2)
def _load(path: Path) -> Knowledge:
    return load_knowledge(path)


def source_line(section: Section) -> str:
    return f"From the page: [{section.heading}]({{page_url}}#{section.anchor})"


def _buttons(titles: Iterable[str]) -> List[Dict[str, str]]:
    seen: List[str] = []
    for title in titles:
        if title and title not in seen:
            seen.append(title)
    return [{"title": title, "payload": title} for title in seen]


def _reply(body: str, section: Section, buttons: Sequence[str], followup: str = "") -> Response:
    response: Response = {
        "text": f"{body}\n\n{source_line(section)}\n\n{NEXT_STEP}",
        "buttons": _buttons(buttons),
        SECTION_KEY: section.id,
    }
    if followup:
        response[FOLLOWUP_KEY] = followup
    return response


def first_answers(section: Section) -> List[Response]:
    """The section's first reply, one per wording (the generated ``utter_faq/<id>``)."""
    buttons = [MORE, section.next_question, *STANDARD_BUTTONS]
    return [
        {"text": f"{text}\n\n{source_line(section)}\n\n{NEXT_STEP}", "buttons": _buttons(buttons)}
        for text in section.short
    ]


def plain_answer(section: Section) -> Response:
    """ "What do you mean?": the same section in plain words."""
    body = section.plain or section.short[0]
    return _reply(
        f"In plainer words: {body}", section, [MORE, section.next_question, *STANDARD_BUTTONS], "plain"
    )


def more_answer(section: Section) -> Response:
    """ "Tell me more": what the first reply left out."""
    body = section.more or section.answer
    return _reply(body, section, [section.next_question, *STANDARD_BUTTONS], "more")


def nothing_more(section: Section) -> Response:
    """A second "tell me more": the page says no more; offer the next question instead."""
    body = (
        f"That's everything the page says about {section.title.lower()}. "
        "I'd rather not add anything it doesn't say."
    )
    return _reply(body, section, [section.next_question, *STANDARD_BUTTONS], "end")


def item_answer(section: Section, item: Item, sections: Knowledge) -> Response:
    """One item of the list ``section`` gave: its own section's first reply, or its explanation."""
    if item.section:
        target = sections.section(item.section)
        return _reply(target.short[0], target, [MORE, target.next_question, *STANDARD_BUTTONS])
    body = item.text or item.name
    return _reply(body, section, [section.next_question, *STANDARD_BUTTONS], "item")


# Positions: ordinal words anywhere ("the second one"), a number only as "number 2",
# "#2" or on its own ("2"), never a bare count ("can I work on two of them?").
_ORDINALS = (
    (r"\b(?:first|1st|number 1|#1)\b", 0),
    (r"\b(?:second|2nd|number 2|#2)\b", 1),
    (r"\b(?:third|3rd|number 3|#3)\b", 2),
    (r"\b(?:fourth|4th|number 4|#4)\b", 3),
    (r"\b(?:fifth|5th|number 5|#5)\b", 4),
    (r"\b(?:sixth|6th|number 6|#6)\b", 5),
)
_LAST = re.compile(r"\b(?:last|final)\b", re.I)
_BARE_NUMBER = re.compile(r"^\s*#?([1-6])\s*[.?!]*\s*$")


def position(text: str, count: int) -> int | None:
    """The position "the second one", "number 3", "3" or "the last one" points at, if any."""
    bare = _BARE_NUMBER.match(text)
    if bare and int(bare.group(1)) <= count:
        return int(bare.group(1)) - 1
    lowered = f" {text.lower()} "
    if _LAST.search(lowered):
        return count - 1
    for pattern, index in _ORDINALS:
        if re.search(pattern, lowered) and index < count:
            return index
    return None


def chosen_item(text: str, items: Sequence[Item]) -> Item | None:
    """The item ``text`` picks: by an alias ("the body one"), by position ("the second one"), or "the last"."""
    if not items:
        return None
    lowered = f" {text.lower()} "
    by_alias = [
        (len(alias), item)
        for item in items
        for alias in (*item.aliases, item.name.lower())
        if re.search(rf"\b{re.escape(alias)}\b", lowered)
    ]
    if by_alias:
        return max(by_alias, key=lambda pair: pair[0])[1]
    index = position(text, len(items))
    return items[index] if index is not None else None


def clarify(candidates: Sequence[Section]) -> Response:
    """ "Do you mean ...?" with one button per candidate section (two or three)."""
    return {
        "text": "I want to be sure I answer the right thing. Did you mean one of these?",
        "buttons": _buttons(section.ask for section in candidates),
        FOLLOWUP_KEY: "clarify",
        CLARIFY_KEY: [section.id for section in candidates],
    }


def chosen_from(text: str, offered: Sequence[str]) -> str | None:
    """The section "the second one" picks from a "Did you mean ...?" question's offer."""
    index = position(text, len(offered))
    return offered[index] if index is not None else None


NO_CONTEXT = {
    "plain": "Sorry, I'm not sure what you'd like me to explain. Could you tell me which part, or pick a topic?",
    "more": "Happy to say more. What would you like to know more about? You can ask in your own words or pick a topic.",
    "item": "Sorry, I'm not sure which one you mean. Could you tell me its name, or pick a topic?",
}


def no_context(kind: str) -> Response:
    """A follow-up with no answer before it to follow."""
    return {"text": NO_CONTEXT[kind], "buttons": _buttons(["Show me the topics", "Reflect privately"])}


@dataclass(frozen=True)
class LastAnswer:
    """The latest page answer of this session: its section and which follow-up it was, if any."""

    section: str
    followup: str = ""


def last_answer(metadata_newest_first: Iterable[Dict[str, Any]]) -> LastAnswer | None:
    """From the metadata of the session's bot replies, newest first: the latest page answer."""
    for metadata in metadata_newest_first:
        section = metadata.get(SECTION_KEY)
        if section:
            return LastAnswer(str(section), str(metadata.get(FOLLOWUP_KEY) or ""))
        utter = str(metadata.get("utter_action") or "")
        if utter.startswith("utter_faq/"):
            return LastAnswer(utter.split("/", 1)[1])
    return None


def has_items(last: LastAnswer | None, sections: Knowledge) -> bool:
    """Whether the latest page answer gave a list to pick an item from."""
    if last is None:
        return False
    return any(section.id == last.section and section.items for section in sections.sections)


def followup(kind: str, text: str, last: LastAnswer | None, sections: Knowledge) -> Response:
    """The reply to a follow-up (``plain``, ``more`` or ``item``) given the latest page answer."""
    if last is None:
        return no_context(kind)
    try:
        section = sections.section(last.section)
    except KeyError:
        return no_context(kind)
    if kind == "plain":
        return plain_answer(section)
    if kind == "item":
        item = chosen_item(text, section.items)
        if item is not None:
            return item_answer(section, item, sections)
        if section.items:
            return no_context("item")
        return more_answer(section) if last.followup != "more" else nothing_more(section)
    if last.followup in ("more", "end"):
        return nothing_more(section)
    return more_answer(section)
