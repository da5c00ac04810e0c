"""Score page questions and scripted conversations against a running assistant, over HTTP, as a visitor.

Each reply is recognised by its text: the page's sections (every wording, the plain version,
"more", list items; assistant/answers.py) and every response of the domain (``domain/``) and
``data/responses`` (the longest part of each variant with no placeholder in it). Nothing
from inside the assistant is read, so the figures are what a visitor would see.

Question sets (``tests/answers/*.yml``): each question in a new conversation; it gets a
fitting answer when a reply comes from a section it lists (or, for ``not_on_page``, an
honest "the page doesn't mention"), or a "Did you mean ...?" offers one of them.
Conversation sets (``tests/conversations/*.yml``): every turn's ``expect`` must hold
(the kinds are listed in :func:`turn_passes`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple

import yaml

from assistant import answers
from assistant.domain_files import response_files
from assistant.privacy import privacy_placeholders
from assistant.settings import PROJECT_ROOT, get_settings

ROOT = PROJECT_ROOT
RESPONSE_FILES = tuple(response_files())
MIN_FRAGMENT = 25
FALLBACKS = {"utter_page_doesnt_say", "utter_fallback_menu", "utter_default", "utter_out_of_scope"}
CLARIFY_TEXT = answers.clarify([]).get("text", "")

Send = Callable[[str, str], List[Dict[str, Any]]]


@dataclass(frozen=True)
class Label:
    """What a reply is: a page answer (``kind`` first/plain/more/item/end, and its section) or a response."""

    kind: str
    name: str


def _fragments(text: str) -> List[str]:
    """The runs of a response's text, line by line, with no placeholder in them, whitespace folded.

    Line by line, because a line with an option that isn't configured (a booking link) is dropped.
    """
    parts = [" ".join(part.split()) for line in text.split("\n") for part in re.split(r"{[^}]*}", line)]
    return [part for part in parts if len(part) >= MIN_FRAGMENT]


class ReplyReader:
    """Tell what each reply is from its text."""

    def __init__(self, response_files: Iterable[Path] = RESPONSE_FILES) -> None:
        k = answers.knowledge()
        self._asks = {section.ask: section.id for section in k.sections}
        self._sections: List[Tuple[str, Label]] = []
        for section in k.sections:
            for text in section.short:
                self._sections.append((text, Label("first", section.id)))
            self._sections.append((section.plain, Label("plain", section.id)))
            self._sections.append((section.more, Label("more", section.id)))
            self._sections.append((section.answer, Label("first", section.id)))
            for item in section.items:
                if item.text:
                    self._sections.append((item.text, Label("item", section.id)))
            ending = f"That's everything the page says about {section.title.lower()}."
            self._sections.append((ending, Label("end", section.id)))
        # Each response variant as its runs of text; the privacy statements are filled in
        # first, since they are the whole of some replies.
        self._responses: List[Tuple[List[str], Label]] = []
        statements = privacy_placeholders(get_settings().template_vars())
        for path in response_files:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, variants in (data.get("responses") or {}).items():
                if name.startswith("utter_faq/"):
                    continue
                for variant in variants or []:
                    text = str(variant.get("text") or "")
                    for key, statement in statements.items():
                        text = text.replace("{" + key + "}", statement)
                    fragments = _fragments(text)
                    if fragments:
                        self._responses.append((fragments, Label("response", name)))

    def read(self, message: Dict[str, Any]) -> List[Label]:
        text = " ".join(str(message.get("text") or "").split())
        labels: List[Label] = []
        if CLARIFY_TEXT and CLARIFY_TEXT in text:
            for button in message.get("buttons") or []:
                section = self._asks.get(str(button.get("payload", "")))
                if section:
                    labels.append(Label("clarify", section))
            return labels
        for body, label in self._sections:
            if body and body[:80] in text:
                labels.append(label)
        if labels:
            return labels[:1]
        # The response with the most of its text in the reply; of equals, the one whose text
        # is all there ("is this confidential?" quotes the who-reads statement and one more).
        best: Tuple[int, float] = (0, 0.0)
        found: Label | None = None
        for fragments, label in self._responses:
            matched = sum(len(f) for f in fragments if f in text)
            if not matched:
                continue
            score = (matched, matched / sum(len(f) for f in fragments))
            if score > best:
                best, found = score, label
        return [found] if found is not None else [Label("unknown", text[:60])]


@dataclass
class TurnResult:
    user: str
    expect: Dict[str, Any]
    labels: List[Label]
    passed: bool


@dataclass
class ConversationResult:
    name: str
    turns: List[TurnResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(turn.passed for turn in self.turns)


def answered_sections(labels: Sequence[Label]) -> List[str]:
    return [
        label.name for label in labels if label.kind in ("first", "plain", "more", "item", "end", "clarify")
    ]


def _names(labels: Sequence[Label]) -> List[str]:
    return [label.name for label in labels if label.kind == "response"]


def turn_passes(expect: Dict[str, Any], labels: Sequence[Label], state: Dict[str, Any]) -> bool:
    """Does a turn's replies meet its ``expect``? ``state`` carries the previous turns' context."""
    names = _names(labels)
    if expect.get("any"):
        return True
    if "section" in expect:
        wanted = set(expect["section"] if isinstance(expect["section"], list) else [expect["section"]])
        return bool(wanted.intersection(answered_sections(labels)))
    if "followup" in expect:
        kind = expect["followup"]
        kinds = {"plain": {"plain"}, "more": {"more", "end", "item"}, "item": {"item", "first"}}.get(
            kind, set()
        )
        previous = state.get("section")
        if kind == "item" and any(
            label.kind == "first" and label.name in state.get("item_sections", ()) for label in labels
        ):
            return True  # "the second one" after the focus list: that item's own section
        return any(label.kind in kinds and (previous is None or label.name == previous) for label in labels)
    if "feeling" in expect:
        return f"utter_feeling/{expect['feeling']}" in names
    if "privacy" in expect:
        return f"utter_privacy/{expect['privacy']}" in names
    if expect.get("not_on_page"):
        return any(name.startswith("utter_not_on_page/") for name in names)
    if expect.get("other_language"):
        return "utter_other_language" in names
    if "reflection" in expect:
        step = expect["reflection"]
        asks = [name for name in names if name.startswith("utter_ask_reflect_")]
        if step == "start":
            return "utter_reflection_intro" in names or bool(asks)
        if step == "same_step":
            return bool(asks) and asks[-1] == state.get("reflection_ask")
        if step == "stopped":
            return "utter_reflection_stopped" in names
    if "enquiry" in expect:
        step = expect["enquiry"]
        asks = [name for name in names if name.startswith("utter_ask_enquiry_")]
        if step == "start":
            return bool(asks) or "utter_contact" in names
        if step == "same_step":
            return bool(asks) and asks[-1] == state.get("enquiry_ask")
    return False


def _remember(labels: Sequence[Label], state: Dict[str, Any]) -> None:
    sections = answered_sections([label for label in labels if label.kind != "clarify"])
    if sections:
        state["section"] = sections[-1]
        listed = answers.knowledge().section(sections[-1]).items
        state["item_sections"] = {item.section for item in listed if item.section}
    for name in _names(labels):
        if name.startswith("utter_ask_reflect_"):
            state["reflection_ask"] = name
        if name.startswith("utter_ask_enquiry_"):
            state["enquiry_ask"] = name


def run_conversation(send: Send, reader: ReplyReader, conversation: Dict[str, Any]) -> ConversationResult:
    sender = uuid.uuid4().hex
    result = ConversationResult(str(conversation.get("name", "")))
    state: Dict[str, Any] = {}
    for turn in conversation["turns"]:
        replies = send(sender, str(turn["user"]))
        labels = [label for message in replies for label in reader.read(message)]
        expect = dict(turn.get("expect") or {"any": True})
        result.turns.append(TurnResult(str(turn["user"]), expect, labels, turn_passes(expect, labels, state)))
        _remember(labels, state)
    return result


@dataclass
class QuestionResult:
    text: str
    expect: List[str]
    labels: List[Label]

    @property
    def answerable(self) -> bool:
        return "not_on_page" not in self.expect

    @property
    def fitting(self) -> bool:
        if not self.answerable:
            return any(
                label.kind == "response" and label.name.startswith("utter_not_on_page/")
                for label in self.labels
            )
        return bool(set(self.expect).intersection(answered_sections(self.labels)))

    @property
    def clarified(self) -> bool:
        return any(label.kind == "clarify" for label in self.labels)

    @property
    def bare_fallback(self) -> bool:
        return any(label.kind == "response" and label.name in FALLBACKS for label in self.labels)


def run_questions(
    send: Send, reader: ReplyReader, questions: Sequence[Dict[str, Any]]
) -> List[QuestionResult]:
    results = []
    for question in questions:
        replies = send(uuid.uuid4().hex, str(question["text"]))
        labels = [label for message in replies for label in reader.read(message)]
        results.append(QuestionResult(str(question["text"]), list(question["expect"]), labels))
    return results


def question_figures(results: Sequence[QuestionResult]) -> Dict[str, float]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    return {
        "questions": len(results),
        "fitting": sum(r.fitting for r in results) / max(len(results), 1),
        "answerable_fitting": sum(r.fitting for r in answerable) / max(len(answerable), 1),
        "not_on_page_honest": sum(r.fitting for r in unanswerable) / max(len(unanswerable), 1),
        "answerable_bare_fallback": sum(r.bare_fallback for r in answerable) / max(len(answerable), 1),
        "clarified": sum(r.clarified for r in results) / max(len(results), 1),
    }
