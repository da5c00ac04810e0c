"""Response generation that fills links and helpline numbers from settings.

Configured in endpoints.yml as ``nlg: type: assistant.nlg.SettingsResponseNLG``.
It runs inside the Rasa server, so every domain response, the safety ones
included, renders correctly even when the action server is down.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.settings import get_settings


class SettingsResponseNLG(TemplatedNaturalLanguageGenerator):
    """The domain's responses, with ``{placeholders}`` from ``settings/resources.yml``."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
    ) -> None:
        domain = domain or Domain.empty()
        super().__init__(domain.responses)
        self._values = get_settings().template_vars()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Dict[str, Any] | None:
        """Render ``utter_action``; settings win over slots, explicit kwargs win over both."""
        values = {**self._values, **kwargs}
        return await super().generate(utter_action, tracker, output_channel, **values)
