"""Who is a minor: the one rule, used by the actions and by the NLG (no Rasa import).

A visitor counts as under 18 for the rest of the session once any of their messages in it
was routed to the under-18 response (intent ``safety_under_18``, which also sets the
``is_minor`` slot) or carried the ``under_18`` safety flag: the safety gate records it when a
more urgent route answered the turn ("I'm 16 and I want to die" is answered as a crisis), and
the tracker store keeps both through its redaction. A new session (an hour idle) starts
afresh, as the slot does.

The events may be what the action server receives (dicts with an ``event`` key) or Rasa's
own event objects (``UserUttered``, ``SessionStarted``): both carry the same type names.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Protocol

from assistant.safety.routes import SAFETY_INTENTS

UNDER_18 = "under_18"
MINOR_INTENT = next(intent for intent, route in SAFETY_INTENTS.items() if route == UNDER_18)
MINOR_SLOT = "is_minor"
SAFETY_FLAGS = "safety_flags"
USER_EVENT = "user"
SESSION_STARTED_EVENT = "session_started"


class TrackerLike(Protocol):
    """Rasa's ``DialogueStateTracker`` and the SDK's ``Tracker`` alike."""

    events: Any

    def get_slot(self, key: str) -> Any: ...


def _type_name(event: Any) -> str | None:
    if isinstance(event, Mapping):
        return event.get("event")
    return getattr(event, "type_name", None)


def _parse_data(event: Any) -> Mapping[str, Any]:
    data = event.get("parse_data") if isinstance(event, Mapping) else getattr(event, "parse_data", None)
    return data if isinstance(data, Mapping) else {}


def says_under_18(parse_data: Mapping[str, Any]) -> bool:
    """One visitor message was routed to, or flagged for, the under-18 response."""
    intent = parse_data.get("intent") or {}
    name = intent.get("name") if isinstance(intent, Mapping) else None
    return name == MINOR_INTENT or UNDER_18 in (parse_data.get(SAFETY_FLAGS) or ())


def minor_in_events(events: Iterable[Any], is_minor_slot: Any = False) -> bool:
    """The visitor said they are under 18 in the current session (the latest ``session_started`` on)."""
    if is_minor_slot:
        return True
    minor = False
    for event in events or ():
        kind = _type_name(event)
        if kind == SESSION_STARTED_EVENT:
            minor = False
        elif kind == USER_EVENT and not minor:
            minor = says_under_18(_parse_data(event))
    return minor


def minor_disclosed(tracker: TrackerLike) -> bool:
    """:func:`minor_in_events` for a tracker, its ``is_minor`` slot included."""
    return minor_in_events(tracker.events, tracker.get_slot(MINOR_SLOT))
