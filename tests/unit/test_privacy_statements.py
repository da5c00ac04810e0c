"""The chat's own privacy is described once (settings/privacy.yml) and the same everywhere it appears."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.domain_files import response_files
from assistant.nlg import SettingsResponseNLG
from assistant.privacy import ALLOWED_PLACEHOLDERS, raw_statements, render_statements
from assistant.settings import get_settings
from tests.conftest import ROOT

RESPONSE_FILES = response_files()


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load([str(path) for path in RESPONSE_FILES])


@pytest.fixture(scope="module")
def statements() -> Dict[str, str]:
    return render_statements(get_settings().template_vars())


def render(domain: Domain, name: str) -> Dict[str, Any]:
    tracker = DialogueStateTracker("privacy-test", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    parse = {"intent": {"name": "privacy", "confidence": 0.99}, "text": "is this saved?"}
    tracker.update(UserUttered("is this saved?", intent=parse["intent"], parse_data=parse))
    out = asyncio.run(SettingsResponseNLG(domain=domain).generate(name, tracker, "rest"))
    assert out is not None, name
    return out


def test_statements_use_only_known_placeholders() -> None:
    for key, text in raw_statements().items():
        for name in re.findall(r"{(\w+)}", text):
            assert name in ALLOWED_PLACEHOLDERS, (key, name)


@pytest.mark.parametrize(
    ("response", "keys"),
    [
        ("utter_greet", ["anonymous", "footer"]),
        ("utter_privacy/confidential", ["anonymous", "who_reads"]),
        ("utter_privacy/stored", ["stored"]),
        ("utter_privacy/who_reads", ["who_reads"]),
        ("utter_privacy/delete", ["delete"]),
        ("utter_privacy/reflection", ["reflection"]),
    ],
)
def test_each_reply_says_the_statement_word_for_word(
    domain: Domain, statements: Dict[str, str], response: str, keys: List[str]
) -> None:
    text = render(domain, response)["text"]
    for key in keys:
        assert statements[key] in text, (response, key)
    assert "{" not in text


def test_the_reflection_introduction_says_the_reflection_statement(
    domain: Domain, statements: Dict[str, str]
) -> None:
    variants = [v.get("text", "") for v in domain.responses["utter_reflection_intro"]]
    assert any("{privacy_reflection}" in text for text in variants)
    for text in variants:
        assert "go to no one" not in text.replace("{privacy_reflection}", "")


def test_the_widget_shows_the_same_footer_and_reload_note(statements: Dict[str, str]) -> None:
    script = (ROOT / "web" / "widget" / "chat.js").read_text(encoding="utf-8")
    for key in ("footer", "reload"):
        quoted = statements[key].replace('"', '\\"')
        assert f'"{quoted}"' in script, key
    assert "isn't kept" not in script


# Words that describe what the chat keeps. Outside the statements they may appear only
# in the replies about an enquiry or deleting the chat, which describe those.
STORAGE = re.compile(
    r"\b(stored|saved|recorded|(?:is|are|isn't|aren't|not) kept|the (?:website's )?server|go(?:es)? to no one)\b",
    re.I,
)
ABOUT_ENQUIRIES_OR_DELETION = re.compile(
    r"^utter_(enquiry|ask_enquiry|delete_chat|confirm_delete_chat|chat_deleted|safety_|after_)"
)


def test_no_other_reply_describes_what_the_chat_keeps(domain: Domain) -> None:
    for name, variants in domain.responses.items():
        if ABOUT_ENQUIRIES_OR_DELETION.match(name):
            continue
        for variant in variants:
            text = re.sub(r"{privacy_\w+}", "", variant.get("text") or "")
            found = STORAGE.search(text)
            assert not found, (
                f"{name} describes storage itself ({found.group(0)!r}); use a {{privacy_...}} statement"
            )
