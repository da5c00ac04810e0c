"""Response generation that fills links and helpline numbers from settings, and applies safety rules.

Configured in endpoints.yml as ``nlg: type: assistant.nlg.SettingsResponseNLG``.
It runs inside the Rasa server, so every domain response, the safety ones
included, renders correctly even when the action server is down. On top of the
domain's responses it applies two conversation-wide rules:

- after a safety turn, that turn and the next two replies suggest no booking or
  contact (no "Get in touch" button, no sentence inviting contact), unless the
  visitor asked for contact themselves;
- after an under-18 disclosure, no reply offers contact for the rest of the
  conversation;
- after a crisis turn, every reply with buttons keeps a "Get help now" button for
  the rest of the conversation;
- a possible concern (``safety_concern`` on the latest message: risk words in an
  idiom, hopelessness without intent, a safety signal below the routing
  threshold) adds one gentle check-in line and a "Get help now" button to the
  first reply of the turn, never the full safety response (docs/safety.md, tiers).
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any, Dict, List

from rasa.core.nlg.interpolator import interpolate
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant import answers
from assistant.nlu.retrieval_gate import CLARIFY_KEY, ranked_sections
from assistant.privacy import privacy_placeholders
from assistant.safety.context import in_context, turns_from_events
from assistant.safety.minor import minor_disclosed
from assistant.safety.routes import CHECK_IN_KEY, CHECK_IN_ROUTE_KEY, SAFETY_INTENTS
from assistant.settings import Settings, get_settings
from assistant.unnamed import asked_group, asked_method

logger = logging.getLogger(__name__)

CONTACT_INTENTS = {"contact", "start_enquiry"}
CONTACT_PAYLOADS = {"Get in touch", "Send an enquiry"}
HELP_BUTTON = {"title": "Get help now", "payload": "Get help now"}
COOLDOWN_TURNS = 3  # the safety turn itself and the next two
_CONTACT_CLAUSE = re.compile(r",? or get in touch with [^.]+\.")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# A markdown link whose address came out empty: the booking option when no BOOKING_URL is set.
_EMPTY_LINK = "]()"


def without_empty_links(text: str) -> str:
    """Drop every line that holds a link with no address (an option that is not configured)."""
    return "\n".join(line for line in text.split("\n") if _EMPTY_LINK not in line)


def session_intents(tracker: DialogueStateTracker) -> List[str]:
    """Intents of the visitor's messages in the current session, oldest first."""
    intents: List[str] = []
    for event in tracker.events:
        if isinstance(event, SessionStarted):
            intents = []
        elif isinstance(event, UserUttered):
            intents.append(event.intent_name or "")
    return intents


def _without_contact(text: str, contact_phrase: str | None) -> str:
    """Drop invitations to get in touch: the FAQ clause, and any sentence naming the contact route."""
    text = _CONTACT_CLAUSE.sub(".", text)
    needles = ["get in touch"] + ([contact_phrase.lower()] if contact_phrase else [])
    lines = []
    for line in text.split("\n"):
        sentences = _SENTENCE.split(line)
        kept = [x for x in sentences if not any(n in x.lower() for n in needles)]
        lines.append(" ".join(kept))
    return "\n".join(lines).strip()


def apply_safety_rules(
    response: Dict[str, Any],
    intents: List[str],
    is_minor: bool = False,
    contact_phrase: str | None = None,
    in_safety_context: bool = False,
) -> Dict[str, Any]:
    """Strip contact suggestions during the safety cool-down and for minors; keep "Get help now" after a crisis."""
    recent = intents[-COOLDOWN_TURNS:]
    asked_for_contact = bool(intents) and intents[-1] in CONTACT_INTENTS
    cooling_down = (any(i in SAFETY_INTENTS for i in recent) or in_safety_context) and not asked_for_contact
    no_contact = cooling_down or is_minor
    crisis_seen = "safety_crisis" in intents
    if not (no_contact or crisis_seen):
        return response
    response = copy.deepcopy(response)
    had_buttons = bool(response.get("buttons"))
    buttons = list(response.get("buttons") or [])
    if no_contact:
        buttons = [b for b in buttons if b.get("payload") not in CONTACT_PAYLOADS]
        if response.get("text"):
            response["text"] = _without_contact(response["text"], contact_phrase)
    if crisis_seen and had_buttons and all(b.get("payload") != HELP_BUTTON["payload"] for b in buttons):
        buttons.append(dict(HELP_BUTTON))
    if "buttons" in response or buttons:
        response["buttons"] = buttons
    return response


CHECK_IN_RESPONSE = "utter_check_in"
# Replies that never get the check-in: safety replies already carry help, and the page
# search's short lead-in is followed by the answer that gets it (one line per turn).
SAFETY_RESPONSE_PREFIXES = (
    "utter_safety_",
    "utter_help_now",
    "utter_after_",
    CHECK_IN_RESPONSE,
    "utter_feeling_low",
    "utter_retrieval_intro",
)


# One gentle line is enough: the same check-in is not repeated within this many replies (a
# reflection's answers about shame or low mood would otherwise get it after every answer;
# "Get help now" stays on every reply that had it, and the full routes are never held back).
CHECK_IN_WINDOW = 12


def concern_to_check_in(tracker: DialogueStateTracker, utter_action: str) -> str | None:
    """The concern flagged on the latest message, if this reply is the turn's first and not a
    safety one, and the same check-in wasn't given in the session's last few replies."""
    if utter_action.startswith(SAFETY_RESPONSE_PREFIXES):
        return None
    concern: str | None = None
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return None
        if isinstance(event, UserUttered):
            flagged = (event.parse_data or {}).get("safety_concern")
            concern = str(flagged) if flagged else None
            break
    if concern is None:
        return None
    recent = session_bot_metadata(tracker)[:CHECK_IN_WINDOW]
    if any(metadata.get(CHECK_IN_ROUTE_KEY) == concern for metadata in recent):
        return None
    return concern


def with_check_in(response: Dict[str, Any], check_in: Dict[str, Any], route: str = "") -> Dict[str, Any]:
    """``response`` with the check-in line after its text and a "Get help now" button."""
    response = copy.deepcopy(response)
    response[CHECK_IN_KEY] = True  # recorded on the reply: a "yes" next may answer the check-in
    if route:
        response[CHECK_IN_ROUTE_KEY] = route  # ... and the same line is not repeated soon after
    line = (check_in.get("text") or "").strip()
    if line:
        response["text"] = f"{response.get('text', '').rstrip()}\n\n{line}".strip()
    buttons = list(response.get("buttons") or [])
    if all(b.get("payload") != HELP_BUTTON["payload"] for b in buttons):
        buttons.append(dict(HELP_BUTTON))
    response["buttons"] = buttons
    return response


def _with_slot(tracker: DialogueStateTracker, name: str, value: Any) -> DialogueStateTracker:
    """A shallow copy of ``tracker`` whose slot ``name`` holds ``value`` (the original is untouched)."""
    if name not in tracker.slots:
        return tracker
    changed = copy.copy(tracker)
    changed.slots = {key: copy.copy(slot) for key, slot in tracker.slots.items()}
    changed.slots[name].value = value
    return changed


FOLLOWUP_RESPONSES = {
    "utter_followup_plain": "plain",
    "utter_followup_more": "more",
    "utter_followup_item": "item",
}
# A "yes" to the offer a feeling's acknowledgement made: the section it offered.
FEELING_OFFERS = {
    "utter_feeling/shame": "not_moral_failure",
    "utter_feeling/partner_hurt": "relationships",
    "utter_feeling/fear": "focus_areas",
    "utter_feeling/confused": "not_addiction",
    "utter_feeling/foolish": "overview",
}


def session_bot_metadata(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The metadata of this session's bot replies, newest first."""
    found: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        if isinstance(event, BotUttered):
            found.append(event.metadata or {})
    return found


def latest_parse(tracker: DialogueStateTracker) -> Dict[str, Any]:
    return tracker.latest_message.parse_data if tracker.latest_message else {}


def latest_text(tracker: DialogueStateTracker) -> str:
    return (tracker.latest_message.text or "") if tracker.latest_message else ""


# The selector's confidence above which its best section answers a message read as
# "the X one" when there is no list to pick from (the gate's own answer threshold).
ITEM_AS_QUESTION = 0.5


def best_page_section(parse: Dict[str, Any]) -> str | None:
    """The page section the response selector ranked first for this message, if confident enough."""
    ranking = ranked_sections(parse.get("response_selector") or {}, "faq")
    return ranking[0][0] if ranking and ranking[0][1] >= ITEM_AS_QUESTION else None


def conversational_response(utter_action: str, tracker: DialogueStateTracker) -> Dict[str, Any] | None:
    """A page answer that depends on the conversation so far, or None to use the domain's response.

    Follow-ups answer from the latest page answer; a page question the classifier couldn't
    place gets "Did you mean ...?" (never inside a form, where the answer is a side note);
    naming an item of the list just given ("what's IFS?") answers that item; a "yes" to an
    answer or to a feeling's offer continues it.
    """
    sections = answers.knowledge()
    text = latest_text(tracker)
    if utter_action in FOLLOWUP_RESPONSES:
        kind = FOLLOWUP_RESPONSES[utter_action]
        metadata = session_bot_metadata(tracker)
        offered = (metadata[0].get(answers.CLARIFY_KEY) or []) if metadata else []
        if kind == "item" and offered:
            # "the second one" after "Did you mean ...?": that one of the sections offered
            chosen = answers.chosen_from(text, offered)
            if chosen is not None:
                return answers.first_answers(sections.section(chosen))[0] | {answers.SECTION_KEY: chosen}
        # Only the reply just before counts: after anything else (a safety reply, a form step)
        # there is no page answer to follow up; after a feeling, the part of the page it named.
        last = answers.last_answer(metadata[:1])
        previous = metadata[0] if metadata else {}
        # after a check-in line ("If you're having thoughts of not wanting to be here ..."), a
        # "what do you mean?" may be about that line: never page text then
        offered_by_feeling = (
            None
            if previous.get(CHECK_IN_KEY)
            else FEELING_OFFERS.get(str(previous.get("utter_action") or ""))
        )
        if last is None and offered_by_feeling and kind in ("plain", "more"):
            # "what do you mean?" after a feeling's reply: the page part that reply pointed to,
            # in plain words, or as the page puts it for "tell me more"
            if kind == "plain":
                return answers.followup("plain", text, answers.LastAnswer(offered_by_feeling), sections)
            return answers.first_answers(sections.section(offered_by_feeling))[0] | {
                answers.SECTION_KEY: offered_by_feeling
            }
        if kind == "item" and not answers.has_items(last, sections):
            # "the body thing?" with no list before it is a page question after all.
            best = best_page_section(latest_parse(tracker))
            if best is not None:
                return answers.first_answers(sections.section(best))[0] | {answers.SECTION_KEY: best}
        return answers.followup(kind, text, last, sections)
    if utter_action.startswith("utter_faq/"):
        candidates = latest_parse(tracker).get(CLARIFY_KEY) or []
        if len(candidates) >= 2 and not tracker.active_loop_name:
            try:
                return answers.clarify([sections.section(c) for c in candidates])
            except KeyError:
                return None
        last = answers.last_answer(session_bot_metadata(tracker))
        if last is not None:
            listed = next((s for s in sections.sections if s.id == last.section), None)
            if listed is not None and listed.items:
                item = answers.chosen_item(text, listed.items)
                wanted = utter_action.split("/", 1)[1]
                if item is not None and wanted in (listed.id, item.section):
                    return answers.item_answer(listed, item, sections)
        return None
    if utter_action == "utter_affirm":
        metadata = session_bot_metadata(tracker)
        previous = metadata[0] if metadata else {}
        if previous.get(CHECK_IN_KEY):
            return None  # a "yes" after a check-in may answer the check-in: never more page text
        offered = FEELING_OFFERS.get(str(previous.get("utter_action") or ""))
        if offered:
            return answers.first_answers(sections.section(offered))[0] | {answers.SECTION_KEY: offered}
        last = answers.last_answer(metadata[:1])
        if last is not None:
            return answers.followup("more", text, last, sections)
    return None


def response_values(settings: Settings) -> Dict[str, str]:
    """Every ``{placeholder}`` a response may use that settings fill: links, helplines, the privacy statements."""
    values = settings.template_vars()
    return {**values, **privacy_placeholders(values)}


class SettingsResponseNLG(TemplatedNaturalLanguageGenerator):
    """The domain's responses, with ``{placeholders}`` from ``settings/resources.yml``."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
    ) -> None:
        domain = domain or Domain.empty()
        super().__init__(domain.responses)
        self._values = response_values(get_settings())

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Dict[str, Any] | None:
        """Render ``utter_action``; settings win over slots, explicit kwargs win over both."""
        values = {**self._values, **kwargs}
        minor = minor_disclosed(tracker)
        if minor and not tracker.get_slot("is_minor"):
            # Under 18 flagged on a more urgent turn ("I'm 16 and I want to die"): the
            # responses' conditions on is_minor (no contact, no reflection) apply too.
            tracker = _with_slot(tracker, "is_minor", True)
        if utter_action.startswith("utter_not_on_page/"):
            text = latest_text(tracker)
            values = {"asked_method": asked_method(text), "asked_group": asked_group(text), **values}
        try:
            composed = conversational_response(utter_action, tracker)
        except Exception as exc:  # noqa: BLE001 - never let a composed answer silence a reply
            logger.error(
                "composing %s failed (%s); the domain's response is used", utter_action, type(exc).__name__
            )
            composed = None
        if composed is not None:
            response = interpolate(composed, values)
        else:
            response = await super().generate(utter_action, tracker, output_channel, **values)
            if response is None:
                return None
            if utter_action.startswith("utter_faq/"):
                response[answers.SECTION_KEY] = utter_action.split("/", 1)[1]
        if response.get("text") and _EMPTY_LINK in response["text"]:
            response["text"] = without_empty_links(response["text"])
        concern = concern_to_check_in(tracker, utter_action)
        if concern is not None:
            check_in = await super().generate(
                f"{CHECK_IN_RESPONSE}_{concern}", tracker, output_channel, **values
            ) or await super().generate(CHECK_IN_RESPONSE, tracker, output_channel, **values)
            if check_in:
                response = with_check_in(response, check_in, concern)
        return apply_safety_rules(
            response,
            session_intents(tracker),
            is_minor=minor,
            in_safety_context=in_context(turns_from_events(tracker.events)) is not None,
            contact_phrase=self._values.get("contact_link"),
        )
