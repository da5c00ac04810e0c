"""End to end over HTTP: enquiries typed the way visitors type (tests/e2e/enquiries_typed.yml).

Names in sentences, an email or phone number typed at any step, questions at every step, edits
by name at the confirmation step and invalid details: each scripted enquiry must reach its
reference with the right summary, never show two of the form's prompts in one reply (the old
loop), and leave in the store exactly the fields it lists (nothing asked stored as an answer).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from tests.e2e.conftest import conversation, texts
from tests.e2e.test_enquiry_http import REFERENCE, e2e_store

SCRIPT = Path(__file__).with_name("enquiries_typed.yml")
# The form's prompts, as the scripts name them (a fragment each prompt always contains).
PROMPTS = {
    "NAME": "What name should he use",
    "METHOD": "How would you like Tim Norton to get back to you",
    "EMAIL": "What email address should he reply to",
    "PHONE": "What phone number should he use",
    "WHO": "Who is the enquiry about",
    "TIMES": "Which days or times usually suit you",
    "MESSAGE": "Would you like to add a short message",
    "CONSENT": "Do you agree to this",
    "SUMMARY": "Here is exactly what will be sent",
    "SENT": "Your reference is",
}
# Two of these in one reply is the loop the issue describes (one prompt after another).
ASKING = ("NAME", "METHOD", "EMAIL", "PHONE", "WHO", "TIMES", "MESSAGE", "CONSENT")


def load() -> List[Dict[str, Any]]:
    """The scripted enquiries."""
    return yaml.safe_load(SCRIPT.read_text(encoding="utf-8"))["enquiries"]


def fragment(name: str) -> str:
    return PROMPTS.get(name, name)


def test_the_script_is_large_enough_and_well_formed() -> None:
    enquiries = load()
    assert len(enquiries) >= 25
    assert len({e["id"] for e in enquiries}) == len(enquiries)
    for enquiry in enquiries:
        assert enquiry["turns"][-1]["expect"] == ["SENT"], enquiry["id"]
        assert enquiry["stored"]["name"], enquiry["id"]


@pytest.mark.parametrize("enquiry", load(), ids=lambda e: e["id"])
def test_a_typed_enquiry_completes(server, served, enquiry: Dict[str, Any]) -> None:
    send = conversation(server)
    reply = ""
    for number, turn in enumerate(enquiry["turns"], 1):
        reply = texts(send(turn["say"]))
        where = f"turn {number} ({turn['say']!r}) got:\n{reply}"
        lowered = reply.lower()
        for expected in turn.get("expect") or []:
            assert fragment(expected).lower() in lowered, f"missing {expected!r}; {where}"
        for unwanted in turn.get("never") or []:
            assert fragment(unwanted).lower() not in lowered, f"unexpected {unwanted!r}; {where}"
        asked = [name for name in ASKING if PROMPTS[name].lower() in lowered]
        assert len(asked) <= 1, f"two prompts in one reply {asked}; {where}"
    [reference] = REFERENCE.findall(reply)
    store = e2e_store(served)
    try:
        [record] = [r for r in store.list(include_handled=True) if r.reference == reference]
    finally:
        store.dispose()
    for field, expected in enquiry["stored"].items():
        assert getattr(record, field) == expected, f"{field}: {getattr(record, field)!r} != {expected!r}"


def test_the_scripts_use_only_known_prompts() -> None:
    for enquiry in load():
        for turn in enquiry["turns"]:
            for name in [*(turn.get("expect") or []), *(turn.get("never") or [])]:
                if re.fullmatch(r"[A-Z]+", name):
                    assert name in PROMPTS, (enquiry["id"], name)
