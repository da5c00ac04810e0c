"""One rule for "the visitor said they are under 18": the actions and the NLG read the same answer.

The same event sequences are given to the rule itself (as dicts and as Rasa event objects), to
the action server's callers (the enquiry and reflection forms, on an SDK tracker) and to the
NLG's (on Rasa's own tracker), with the slots each side really sees.
"""

from __future__ import annotations

import ast
import asyncio
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from assistant.domain_files import DOMAIN_DIR
from tests.conftest import ROOT

DOMAIN = Domain.load(str(DOMAIN_DIR))


def user(intent: str, flags: List[str] | None = None) -> Dict[str, Any]:
    parse: Dict[str, Any] = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": ""}
    if flags:
        parse["safety_flags"] = flags
    return {"event": "user", "text": "", "parse_data": parse}


LISTEN = {"event": "action", "name": "action_listen"}
NEW_SESSION = [{"event": "session_started"}, LISTEN]
MINOR_SLOT = {"event": "slot", "name": "is_minor", "value": True}

SEQUENCES = {
    "nothing yet": ([], False),
    "a page question": ([LISTEN, user("faq")], False),
    "under 18 answered by its own route": ([LISTEN, user("safety_under_18", ["under_18"]), MINOR_SLOT], True),
    "under 18 flagged on a crisis turn": ([LISTEN, user("safety_crisis", ["crisis", "under_18"])], True),
    "the crisis turn, then more questions": (
        [LISTEN, user("safety_crisis", ["crisis", "under_18"]), LISTEN, user("faq"), LISTEN, user("contact")],
        True,
    ),
    "a new session resets the flag": (
        [LISTEN, user("safety_crisis", ["crisis", "under_18"]), *NEW_SESSION, user("contact")],
        False,
    ),
    "a new session resets the slot": (
        [LISTEN, user("safety_under_18", ["under_18"]), MINOR_SLOT, *NEW_SESSION, user("contact")],
        False,
    ),
    "told again in the new session": (
        [
            LISTEN,
            user("safety_under_18"),
            MINOR_SLOT,
            *NEW_SESSION,
            user("safety_crisis", ["crisis", "under_18"]),
        ],
        True,
    ),
    # The classifier alone routed it (no flags) and the slot was not extracted (yet).
    "the under-18 intent without flag or slot": ([LISTEN, user("safety_under_18")], True),
    "another route's flag": ([LISTEN, user("safety_crisis", ["crisis", "sextortion"])], False),
}


def rasa_tracker(events: List[Dict[str, Any]]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "v", [Event.from_parameters(e) for e in events], slots=DOMAIN.slots
    )


def sdk_tracker(events: List[Dict[str, Any]]) -> Tracker:
    """What the action server receives: every event, and the slots as Rasa holds them now."""
    state = rasa_tracker(events).current_state()
    return Tracker(
        sender_id="v",
        slots=state["slots"],
        latest_message=state["latest_message"],
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={"name": "enquiry_form"},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_the_rule_on_event_dicts_and_on_rasa_events(name: str) -> None:
    from assistant.safety.minor import minor_in_events

    events, expected = SEQUENCES[name]
    assert minor_in_events(events) is expected
    assert minor_in_events([Event.from_parameters(e) for e in events]) is expected


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_the_actions_and_the_nlg_agree(name: str) -> None:
    from actions.enquiry import ValidateEnquiryForm
    from actions.reflection import ValidateReflectionForm
    from assistant import nlg

    events, expected = SEQUENCES[name]
    assert nlg.minor_disclosed(rasa_tracker(events)) is expected
    sdk = sdk_tracker(events)
    enquiry_slots = asyncio.run(ValidateEnquiryForm().required_slots(["enquiry_name"], None, sdk, {}))
    reflection_slots = asyncio.run(ValidateReflectionForm().required_slots(["reflect_before"], None, sdk, {}))
    assert (enquiry_slots == []) is expected
    assert (reflection_slots == []) is expected


def test_the_nlg_withholds_contact_exactly_when_the_rule_says() -> None:
    from assistant.nlg import SettingsResponseNLG

    nlg = SettingsResponseNLG(domain=DOMAIN)
    for name, (events, expected) in SEQUENCES.items():
        # A page question closes any safety context; then "thanks" offers "Get in touch" unless a minor.
        events = [
            *events,
            LISTEN,
            user("faq"),
            LISTEN,
            user("thanks"),
            LISTEN,
            user("thanks"),
            LISTEN,
            user("thanks"),
        ]
        out = asyncio.run(nlg.generate("utter_thanks", rasa_tracker(events), "rest"))
        assert out is not None
        offered = "Get in touch" in {b.get("payload") for b in out.get("buttons") or []}
        assert offered is not expected, name


def test_no_module_keeps_its_own_copy_of_the_rule() -> None:
    """A ``minor_disclosed`` outside assistant/safety/minor.py may only hand over to it."""
    copies = []
    for path in sorted([*ROOT.glob("actions/**/*.py"), *ROOT.glob("assistant/**/*.py")]):
        if path == ROOT / "assistant" / "safety" / "minor.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "minor_disclosed":
                body = [
                    n
                    for n in node.body
                    if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
                ]
                if len(body) != 1 or not isinstance(body[0], ast.Return):
                    copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert copies == []


def test_the_rule_imports_no_rasa() -> None:
    source = (ROOT / "assistant" / "safety" / "minor.py").read_text(encoding="utf-8")
    imported = [
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [node])
    ]
    assert not [name for name in imported if name.split(".")[0] in {"rasa", "rasa_sdk"}]
