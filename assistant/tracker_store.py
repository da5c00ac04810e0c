"""SQL tracker store that never keeps the words of a safety disclosure or a private answer.

Configured in endpoints.yml (``tracker_store: type:
assistant.tracker_store.RedactingSQLTrackerStore``). It is Rasa's SQL tracker
store with three privacy rules applied as events are written:

- A visitor message routed to any safety response (crisis, under 18, child
  content, sextortion, abuse) is stored with its text, entities, metadata and
  classifier output removed; only the fact that the route was taken remains,
  so the rules and the safety cool-down still work.
- So is every message read in the safety context after a disclosure (the next
  turns, until the topic changes: ``assistant.safety.context``), and a message
  flagged as a possible concern (a safety signal below the routing threshold).
- A message typed while a private form is running (the reflection, the
  enquiry) is stored without its words: the form's slots hold what is needed.
- Reflection answers are never stored: their slots are written as a marker, and
  bot messages built from the visitor's words (the enquiry summary, reflection
  acknowledgements and summary) are stored without their text.
  When a private slot is cleared, or a private form ends by any path (finished,
  stopped, interrupted by a safety route, or left open until the session
  expired and the visitor came back), every value it held earlier is
  erased from the stored conversation too, so a cleared slot is really gone.

The engine hides statement parameters, so an error while writing (a database
restart, a full disk) never puts the event JSON into an exception or a log.

And one rule for the visitor's right to erasure: a ``Restarted`` event (only
reachable through "delete my chat", after a confirmation; typed commands are
neutralised by the channel) deletes every stored event of the conversation.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, FrozenSet, Iterator, List, Set

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.conversation_store import delete_conversations, empty_slot_values
from assistant.log_guard import refuse_debug_logs
from assistant.private_slots import (
    ENQUIRY_FORM,
    ENQUIRY_SLOTS,
    PRIVATE_SLOTS,
    REFLECTION_ANSWER_SLOTS,
    REFLECTION_FORM,
    REFLECTION_SLOTS,
)
from assistant.safety.context import FOLLOW_UP_INTENTS, Turn, in_context, turns_from_events
from assistant.safety.routes import CHECK_IN_KEY, CHECK_IN_ROUTE_KEY, SAFETY_INTENTS

# The safety routes and every follow-up to a disclosure ("I'm fine", "they gave me until
# tonight"), which often repeat it, wherever they are typed.
REDACTED_INTENTS = frozenset(SAFETY_INTENTS) | frozenset(FOLLOW_UP_INTENTS)
# What a private bot message keeps besides its response name: the check-in marks (a flag and a
# route name), so the same check-in line is not repeated a few replies later.
KEPT_BOT_METADATA = frozenset({CHECK_IN_KEY, CHECK_IN_ROUTE_KEY})
# Bot messages built from what the visitor typed (the enquiry summary with their details,
# acknowledgements and summaries naming the themes of their reflection answers).
PRIVATE_RESPONSE_PREFIXES = (
    "utter_enquiry_summary",
    "utter_reflect_ack_",
    "utter_reflection_summary",
    # The rest of the reflection summary: which focus areas the answers pointed to,
    # and the read-more button naming the first of them.
    "utter_reflection_focus_",
    "utter_reflection_next_steps",
    "utter_reflection_no_themes",
)
REDACTED_TEXT = ""

ANSWER_MARKER = "answered"
# Private forms: their messages are stored without their words, and their slots
# are erased from storage when the form ends.
FORM_SLOTS: Dict[str, FrozenSet[str]] = {REFLECTION_FORM: REFLECTION_SLOTS, ENQUIRY_FORM: ENQUIRY_SLOTS}
PRIVATE_LOOPS = frozenset(FORM_SLOTS)
# Slots whose earlier values are erased from storage when they are cleared.


def _stripped(event: UserUttered, keep_intent: bool) -> UserUttered:
    intent = {"name": event.intent_name, "confidence": 1.0} if keep_intent else {}
    flags = list((event.parse_data or {}).get("safety_flags") or [])
    concern = (event.parse_data or {}).get("safety_concern")
    parse_data: Dict[str, Any] = {"intent": intent, "entities": [], "text": REDACTED_TEXT}
    if flags:
        parse_data["safety_flags"] = flags
    if concern:
        parse_data["safety_concern"] = concern
    return UserUttered(
        text=REDACTED_TEXT,
        intent=intent,
        entities=[],
        parse_data=parse_data,
        timestamp=event.timestamp,
        input_channel=event.input_channel,
        metadata={},
    )


def redact(event: Event, in_private_loop: bool = False, in_safety_context: bool = False) -> Event:
    """A copy of ``event`` with nothing of what the visitor wrote, if it must not be kept."""
    if isinstance(event, UserUttered):
        concern = bool((event.parse_data or {}).get("safety_concern"))
        if event.intent_name in REDACTED_INTENTS or in_private_loop or in_safety_context or concern:
            return _stripped(event, keep_intent=True)
        return event
    if isinstance(event, SlotSet) and event.key in REFLECTION_ANSWER_SLOTS and event.value is not None:
        return SlotSet(event.key, ANSWER_MARKER, timestamp=event.timestamp)
    if isinstance(event, BotUttered):
        utter = (event.metadata or {}).get("utter_action") or ""
        if in_private_loop or utter.startswith(PRIVATE_RESPONSE_PREFIXES):
            # kept: which response it was, and whether a check-in line was added (no words)
            kept = {key: value for key, value in (event.metadata or {}).items() if key in KEPT_BOT_METADATA}
            return BotUttered(
                text="", data={}, metadata={**kept, "utter_action": utter}, timestamp=event.timestamp
            )
    return event


def private_message_positions(events: List[Event]) -> Set[int]:
    """Indices of the visitor's and the bot's messages while a private form was active."""
    positions: Set[int] = set()
    active_loop = None
    for index, event in enumerate(events):
        if isinstance(event, ActiveLoop):
            active_loop = event.name
        elif isinstance(event, SessionStarted):
            active_loop = None
        elif isinstance(event, (UserUttered, BotUttered)) and active_loop in PRIVATE_LOOPS:
            positions.add(index)
    return positions


def safety_context_positions(events: List[Event]) -> Set[int]:
    """Indices of the visitor's messages read in a safety context (``assistant.safety.context``)."""
    positions: Set[int] = set()
    turns: List[Turn] = []
    for index, event in enumerate(events):
        new = turns_from_events([event])
        if not new:
            continue
        turns.extend(new)
        if isinstance(event, UserUttered) and in_context(turns) is not None:
            positions.add(index)
    return positions


def slots_to_erase(new_events: List[Event], events_before: List[Event]) -> Set[str]:
    """Private slots whose stored values must be erased after these new events are written."""
    erase = {
        e.key for e in new_events if isinstance(e, SlotSet) and e.key in PRIVATE_SLOTS and e.value is None
    }
    loop = None
    for event in events_before:
        if isinstance(event, ActiveLoop):
            loop = event.name
    for event in new_events:
        if isinstance(event, ActiveLoop):
            if loop in FORM_SLOTS and event.name != loop:
                erase |= FORM_SLOTS[loop]
            loop = event.name
        elif isinstance(event, SessionStarted):
            # A form left open when the session expired (the tab closed mid-enquiry) ends here.
            if loop in FORM_SLOTS:
                erase |= FORM_SLOTS[loop]
            loop = None
    return erase


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store with private words redacted and cleared slots erased."""

    def __init__(
        self,
        domain: Any = None,
        host: str | None = None,
        dialect: str | None = None,
        db: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Connect to ``host`` when it is a full SQLAlchemy URL, else to ``TRACKER_DB_URL``.

        endpoints.yml names no database: with neither a URL (``url:``, passed as ``host``)
        nor ``db``, the URL comes from the environment variable ``TRACKER_DB_URL`` (default
        ``sqlite:///var/tracker.db``, relative to the project root, the file the enquiry admin
        tool reads). Reading it here rather than through ``${TRACKER_DB_URL}`` in
        endpoints.yml keeps ``rasa run`` working when the variable is unset (Rasa 3.6 refuses
        to load a file with an unset ``${VAR}``). The dialect is taken from the URL. Rasa's
        own parameters (``dialect``, ``host``, ``db``, ``username``, ...) still work.
        """
        from sqlalchemy.engine import make_url

        from assistant.enquiries.config import resolve_sqlite_url, tracker_db_url

        if not host and db is None:
            host = tracker_db_url()
        if host and "://" in host:
            host = resolve_sqlite_url(host)
            dialect = make_url(host).get_backend_name()
        super().__init__(domain, dialect=dialect or "sqlite", host=host, db=db or "rasa.db", **kwargs)
        # A failing statement (a database restart, a full disk) must not carry the event
        # JSON, and with it what the visitor typed, into an exception or a log line.
        engine = getattr(self, "engine", None)  # absent only when tests replace Rasa's __init__
        if engine is not None:
            engine.hide_parameters = True
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
        refuse_debug_logs()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        events = list(tracker.events)
        new = list(super()._additional_events(session, tracker))
        start = len(events) - len(new)
        private = private_message_positions(events)
        after_disclosure = safety_context_positions(events)
        for offset, event in enumerate(new):
            position = start + offset
            yield redact(
                event, in_private_loop=position in private, in_safety_context=position in after_disclosure
            )

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Write the new events, then erase the stored values of any private slot just cleared."""
        with self.session_scope() as session:
            stored = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
        events = list(tracker.events)
        new = events[stored:]
        if any(isinstance(e, Restarted) for e in new):
            self.delete_conversation(tracker.sender_id)
            return
        erase = slots_to_erase(new, events[:stored])
        await super().save(tracker)
        if erase:
            self.erase_slot_values(tracker.sender_id, erase)

    def erase_slot_values(self, sender_id: str, slots: Set[str]) -> int:
        """Set every stored value of ``slots`` in this conversation to empty; return rows changed."""
        with self.session_scope() as session:
            changed = empty_slot_values(session.connection(), [sender_id], slots)
            session.commit()
        return changed

    def delete_conversation(self, sender_id: str) -> int:
        """Delete every stored event of this conversation (all sessions); return rows deleted."""
        with self.session_scope() as session:
            deleted = delete_conversations(session.connection(), [sender_id])
            session.commit()
        return deleted
