"""A dialogue policy that answers safety routes first, in every state, with no action server.

Rasa runs an active form before any rule: the rules for safety messages only apply
after the form rejects the message, and the form can only reject it after calling
its validation action on the action server. If that server is down or hangs, a
crisis message typed in the middle of the reflection or the enquiry would get no
safety reply. This policy, ranked above RulePolicy, predicts the same steps as the
safety rules (data/rules/safety.yml) straight from the intent:
``utter_safety_<route>`` (or ``utter_help_now``), then ``action_deactivate_loop``,
then ``action_listen`` — all executed inside Rasa.
"""

from __future__ import annotations

from typing import Any, Collection, Dict, List, Sequence, Tuple

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.safety.context import FOLLOW_UP_INTENTS, in_context, turns_from_events
from assistant.safety.minor import minor_disclosed
from assistant.safety.routes import ROUTES, SAFETY_INTENTS

# The response for each intent that must be answered whatever else is going on.
FIRST_RESPONSES: Dict[str, str] = {intent: f"utter_{intent}" for intent in SAFETY_INTENTS}
FIRST_RESPONSES["get_help_now"] = "utter_help_now"

# Inside a safety context, messages that would otherwise get the page fallback or a
# generic reply get a kind one that keeps the route's help in reach.
UNCLEAR_IN_CONTEXT = frozenset(
    {
        "nlu_fallback",
        "share_context",
        "out_of_scope",
        "affirm",
        "deny",
        "feeling_low",
        "partner_concern",
        "greet",
        # a follow-up or a feeling right after a disclosure is about the disclosure,
        # never about a page answer from before it
        "followup_plain",
        "followup_more",
        "followup_item",
        "feeling",
    }
)
# Messages with an everyday answer that, in the safety context, get one that keeps help in reach.
IN_CONTEXT_KINDS = {"thanks": "thanks", "goodbye": "goodbye"}
# After a crisis these are answered with the crisis reply even for a minor; the rest
# (paying, deadlines, the police, whether Tim can help) with the under-18 one.
CRISIS_FIRST_KINDS = frozenset(
    {"reluctant_to_call", "not_acting", "unclear", "goodbye", "im_ok_now", "thanks"}
)
# The generic reply of each follow-up kind, when the route has no reply of its own.
GENERIC_FOLLOW_UP = {kind: f"utter_after_{kind}" for kind in FOLLOW_UP_INTENTS.values()}
GENERIC_FOLLOW_UP["im_ok_now"] = "utter_safety_retract"
GENERIC_FOLLOW_UP.update({kind: f"utter_after_{kind}" for kind in IN_CONTEXT_KINDS.values()})


def _latest_user(tracker: DialogueStateTracker) -> Tuple[UserUttered | None, List[str]]:
    """The latest visitor message and the actions run since it (newest first)."""
    actions: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return event, actions
        if isinstance(event, ActionExecuted) and event.action_name:
            actions.append(event.action_name)
    return None, actions


def _first_known(names: Sequence[str], known: Collection[str]) -> str | None:
    return next((n for n in names if n in known), None)


def safety_responses(tracker: DialogueStateTracker, known: Collection[str]) -> List[str]:
    """The responses that answer the latest message for safety's sake, in order, or [] if it is not one.

    - A safety route: the route's response (under 18 with images: the under-18 image
      response), then a short note for every other route flagged on the same message
      (crisis first, the other help in the same turn).
    - "Get help now": the help list.
    - In the safety context after a disclosure (``assistant.safety.context``): a follow-up
      gets the route's own reply to it (``utter_after_<route>_<kind>``, else the generic
      one), and a message the assistant would not understand gets a kind reply with the
      help still in reach (``utter_after_<route>_unclear``), never the page fallback.
    """
    event, _ = _latest_user(tracker)
    if event is None:
        return []
    intent = event.intent_name or ""
    flags = [str(f) for f in (event.parse_data or {}).get("safety_flags") or []]
    route = SAFETY_INTENTS.get(intent)
    minor = minor_disclosed(tracker)
    if route is not None:
        first = f"utter_safety_{route}"
        if route == "under_18" and "sextortion" in flags and "utter_safety_under_18_images" in known:
            first = "utter_safety_under_18_images"
        also = []
        for other in ROUTES:
            if other == route or other not in flags:
                continue
            if other == "child_content" and "under_18" in flags:
                continue  # the visitor is the young person: their own images are not "child content" help
            if other == "sextortion" and (route == "under_18" or minor):
                name = "utter_safety_also_sextortion_minor" if route != "under_18" else ""
            else:
                name = f"utter_safety_also_{other}"
            if name:
                also.append(name)
        return [first] + [name for name in also if name in known]
    context = in_context(turns_from_events(tracker.events))
    if intent == "get_help_now":
        # The help list, and the help of the route the visitor disclosed, if it isn't a crisis.
        extra = f"utter_safety_also_{'under_18' if minor else context}" if (minor or context) else ""
        return ["utter_help_now"] + ([extra] if extra and extra in known and context != "crisis" else [])
    if context is None:
        return []
    kind = FOLLOW_UP_INTENTS.get(intent) or IN_CONTEXT_KINDS.get(intent)
    if intent in UNCLEAR_IN_CONTEXT:
        kind = "unclear"
    if kind is None:
        return []
    candidates = [f"utter_after_{context}_{kind}"]
    if minor and not (context == "crisis" and kind in CRISIS_FIRST_KINDS):
        candidates.insert(0, f"utter_after_under_18_{kind}")  # never adult services or Tim for a minor
    candidates.append(GENERIC_FOLLOW_UP.get(kind, f"utter_after_{kind}"))
    chosen = _first_known(candidates, known)
    return [chosen] if chosen else []


def next_safety_action(tracker: DialogueStateTracker, known: Collection[str] | None = None) -> str | None:
    """The next step of a safety answer to the latest message, or None if it isn't one."""
    event, actions = _latest_user(tracker)
    if event is None:
        return None
    responses = safety_responses(tracker, known if known is not None else _ANY)
    if not responses:
        return None
    for response in responses:
        if response not in actions:
            return response
    # As the rules do: safety routes always close any form; "Get help now" only an active one.
    intent = event.intent_name or ""
    needs_deactivation = intent in SAFETY_INTENTS or tracker.active_loop_name is not None
    if needs_deactivation and ACTION_DEACTIVATE_LOOP_NAME not in actions:
        return ACTION_DEACTIVATE_LOOP_NAME
    return ACTION_LISTEN_NAME


class _Anything:
    def __contains__(self, item: object) -> bool:
        return True


_ANY: Collection[str] = _Anything()  # type: ignore[assignment]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False
)
class SafetyFirstPolicy(Policy):
    """Safety answers before forms and rules (priority above RulePolicy)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {POLICY_PRIORITY: RULE_POLICY_PRIORITY + 1}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the steps come from the intent."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_safety_action(tracker, domain.action_names_or_texts)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # The ensemble lets a form's "happy path" prediction (flagged as not depending on the
        # user) beat every other policy; this one competes in that class and wins on priority.
        return self._prediction(probabilities, is_no_user_prediction=True)
