"""SQL tracker store that never writes the words of a safety disclosure.

Configured in endpoints.yml (``tracker_store: type:
assistant.tracker_store.RedactingSQLTrackerStore``). A visitor message routed to
any safety response (crisis, under 18, child content, sextortion, abuse) is
stored with its text, entities, metadata and classifier output removed; only the
fact that the route was taken remains, so the conversation still flows (the
rules and the safety cool-down see the intent) but nothing from that message is
kept. The child-protection route requires this; the others get it as a kindness.
"""

from __future__ import annotations

from typing import Any, Iterator

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.safety.routes import SAFETY_INTENTS

REDACTED_INTENTS = frozenset(SAFETY_INTENTS)
REDACTED_TEXT = ""


def redact(event: Event) -> Event:
    """A copy of ``event`` with nothing of what the visitor wrote, if it must not be kept."""
    if not isinstance(event, UserUttered) or event.intent_name not in REDACTED_INTENTS:
        return event
    intent = {"name": event.intent_name, "confidence": 1.0}
    flags = list((event.parse_data or {}).get("safety_flags") or [])
    return UserUttered(
        text=REDACTED_TEXT,
        intent=intent,
        entities=[],
        parse_data={"intent": intent, "entities": [], "text": REDACTED_TEXT, "safety_flags": flags},
        timestamp=event.timestamp,
        input_channel=event.input_channel,
        metadata={},
    )


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store with child-protection disclosures redacted before they are written."""

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        for event in super()._additional_events(session, tracker):
            yield redact(event)
