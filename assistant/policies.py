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

from typing import Any, Dict, List

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.safety.routes import SAFETY_INTENTS

# The response for each intent that must be answered whatever else is going on.
FIRST_RESPONSES: Dict[str, str] = {intent: f"utter_{intent}" for intent in SAFETY_INTENTS}
FIRST_RESPONSES["get_help_now"] = "utter_help_now"


def next_safety_action(tracker: DialogueStateTracker) -> str | None:
    """The next step of a safety answer to the latest message, or None if it isn't one."""
    actions: List[str] = []
    intent = None
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            intent = event.intent_name
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            actions.append(event.action_name)
    response = FIRST_RESPONSES.get(intent or "")
    if response is None:
        return None
    if response not in actions:
        return response
    # As the rules do: safety routes always close any form; "Get help now" only an active one.
    needs_deactivation = intent in SAFETY_INTENTS or tracker.active_loop_name is not None
    if needs_deactivation and ACTION_DEACTIVATE_LOOP_NAME not in actions:
        return ACTION_DEACTIVATE_LOOP_NAME
    return ACTION_LISTEN_NAME


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
        action = next_safety_action(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # The ensemble lets a form's "happy path" prediction (flagged as not depending on the
        # user) beat every other policy; this one competes in that class and wins on priority.
        return self._prediction(probabilities, is_no_user_prediction=True)
