"""A visitor over the daily limit is told kindly, given the contact route, and the form is cleared."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Dict

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.enquiry as enquiry
from assistant.enquiries.config import load_config
from assistant.private_slots import ENQUIRY_SLOTS
from assistant.settings import get_settings

FILLED = {
    "enquiry_name": "Sam",
    "enquiry_contact_method": "email",
    "enquiry_email": "sam.canary@example.com",
    "enquiry_who_for": "me",
    "enquiry_availability": "skipped",
    "enquiry_message": "skipped",
    "enquiry_consent": "yes",
}


def tracker(text: str, intent: str, slots: Dict[str, Any]) -> Tracker:
    return Tracker(
        sender_id="conversation-" + uuid.uuid4().hex[:6],
        slots=dict(slots),
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "enquiry_form"},
        latest_action_name="action_listen",
    )


@pytest.fixture
def store(tmp_path, monkeypatch):
    from assistant.enquiries.store import EnquiryStore

    config = load_config(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'enquiries.db'}",
            "MAIL_DIR": str(tmp_path / "mail"),
            "ENQUIRY_MAX_PER_ADDRESS_PER_DAY": "2",
        }
    )
    store = EnquiryStore(config=config)
    real = enquiry.create_async

    async def create(data, key, store_=None, timeout=None):
        return await real(data, key, store=store, timeout=5)

    monkeypatch.setattr(enquiry, "create_async", create)
    yield store
    store.dispose()


def send(dispatcher: CollectingDispatcher, slots: Dict[str, Any]) -> Dict[str, Any]:
    t = tracker("Send it", "affirm", {**slots, "enquiry_key": uuid.uuid4().hex})
    return asyncio.run(enquiry.ValidateEnquiryForm().validate_enquiry_confirm("Send it", dispatcher, t, {}))


def test_over_the_limit_the_visitor_is_told_kindly_with_the_contact_route(store, caplog) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(2):
        assert send(CollectingDispatcher(), FILLED)["enquiry_confirm"] == enquiry.SENT
    dispatcher = CollectingDispatcher()
    result = send(dispatcher, FILLED)
    assert result["enquiry_confirm"] == enquiry.LIMITED
    assert dispatcher.messages == []  # said once, by the submit action, as the form ends
    assert len(store.list(include_handled=True)) == 2

    submit = CollectingDispatcher()
    events = asyncio.run(
        enquiry.ActionSubmitEnquiry().run(submit, tracker("", "affirm", {**FILLED, **result}), {})
    )
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {s: None for s in ENQUIRY_SLOTS}
    [message] = submit.messages
    text = message["text"]
    assert "several enquiries" in text.lower() and "today" in text
    assert get_settings().template_vars()["contact_link"] in text
    assert "{" not in text and "sam.canary" not in text
    assert "sam.canary" not in caplog.text


def test_the_limit_message_fills_the_configured_contact_page(monkeypatch) -> None:
    from assistant import settings

    monkeypatch.setenv("CONTACT_URL", "https://practice.example/contact")
    settings.get_settings.cache_clear()
    try:
        text = enquiry.limit_reached_text()
    finally:
        settings.get_settings.cache_clear()
    assert "[the contact page](https://practice.example/contact)" in text
