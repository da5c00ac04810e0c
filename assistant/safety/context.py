"""The safety context: the turns after a disclosure that are read in its light (docs/safety.md).

A safety route opens the context, and it stays open until the topic clearly
changes (docs/safety.md, "After a disclosure"): the messages after it are read in
it: a follow-up ("I don't want to ring anyone", "should I pay?",
"can Tim help with this?") is answered from the route's guidance, and anything
the assistant would otherwise answer with the page fallback gets a kind reply
that keeps the help in reach. A clear change of topic (a page question, the reflection,
getting in touch, "delete my chat") closes it, and so does a new session.

One implementation, used by the dialogue policy (what to answer), the response
generator (what to leave out) and the tracker store (what not to keep). It looks
only at intents and routes recorded on events, never at what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Tuple

from assistant.safety.routes import SAFETY_INTENTS

# Follow-ups to a disclosure: intent -> the kind of reply (utter_after_<route>_<kind> or utter_after_<kind>).
FOLLOW_UP_INTENTS: Dict[str, str] = {
    "safety_reluctant_to_call": "reluctant_to_call",
    "safety_not_acting": "not_acting",
    "safety_should_pay": "should_pay",
    "safety_deadline": "deadline",
    "safety_police_family": "police_family",
    "safety_can_tim_help": "can_tim_help",
    "safety_retract": "im_ok_now",
}

# Messages that clearly change the topic: the context closes and they are answered as usual.
TOPIC_CHANGES = frozenset(
    {
        "faq",
        "not_on_page",
        "show_topics",
        "what_can_you_do",
        "start_reflection",
        "resume",  # picking the reflection up again (actions/reflection.py)
        "contact",
        "start_enquiry",
        "delete_chat",
    }
)


@dataclass(frozen=True)
class Turn:
    """What the context needs of one visitor message: its intent and the safety routes flagged on it."""

    intent: str
    flags: Tuple[str, ...] = ()
    session_start: bool = False


def route_of_turn(turn: Turn) -> str | None:
    """The safety route a message was answered with, if any."""
    return SAFETY_INTENTS.get(turn.intent)


def context_route(turns: Iterable[Turn]) -> str | None:
    """The route whose context is open after these turns (oldest first), or None.

    The last turn counts: call it with the turns *before* a message to know whether
    that message is read in a safety context.
    """
    route: str | None = None
    for turn in turns:
        if turn.session_start:
            route = None
            continue
        opened = route_of_turn(turn)
        if opened is not None:
            # A more urgent route already open stays the one the context is about.
            route = opened if route is None or _rank(opened) <= _rank(route) else route
        elif turn.intent in TOPIC_CHANGES:
            route = None
    return route


def in_context(turns: List[Turn]) -> str | None:
    """The route the latest turn is read in (the context open before it), unless it changes the topic."""
    if not turns or turns[-1].session_start:
        return None
    route = context_route(turns[:-1])
    if route is None or turns[-1].intent in TOPIC_CHANGES or route_of_turn(turns[-1]) is not None:
        return None
    return route


def _rank(route: str) -> int:
    from assistant.safety.routes import ROUTES

    return ROUTES.index(route) if route in ROUTES else len(ROUTES)


def turns_from_events(events: Iterable[Any]) -> List[Turn]:
    """Turns from Rasa events (``UserUttered``/``SessionStarted`` objects or their dicts), oldest first."""
    turns: List[Turn] = []
    for event in events:
        name = event.get("event") if isinstance(event, dict) else getattr(event, "type_name", None)
        if name == "session_started":
            turns.append(Turn("", (), session_start=True))
        elif name == "user":
            parse: Dict[str, Any] = (
                event.get("parse_data") if isinstance(event, dict) else getattr(event, "parse_data", None)
            ) or {}
            intent = ((parse.get("intent") or {}).get("name")) or ""
            turns.append(Turn(intent, tuple(parse.get("safety_flags") or ())))
    return turns
