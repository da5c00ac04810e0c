"""No DEBUG logs in a running assistant unless someone explicitly allows them.

At DEBUG, Rasa's own modules log each message's parse data and every slot
value: everything the tracker store's redaction removes (disclosures, reflection
answers, names and emails). ``rasa run --debug`` or ``LOG_LEVEL=DEBUG`` is an
easy thing to type while chasing a bug on a live server, so the assistant
refuses it: the log level is put back to INFO, with a warning that says why and
how to allow it on purpose (``ALLOW_DEBUG_LOGS=1``, on a machine with no real
visitors). Called when the tracker store is created, after Rasa has configured
logging and before the first message is handled.
"""

from __future__ import annotations

import logging
from typing import Iterable

from assistant.settings import Config

ALLOW_VARIABLE = "ALLOW_DEBUG_LOGS"
# Loggers that Rasa's --debug / LOG_LEVEL set, and the libraries that log messages at DEBUG.
GUARDED = ("", "rasa", "rasa_sdk", "sanic", "sanic.root", "sqlalchemy.engine", "assistant", "actions")

logger = logging.getLogger(__name__)


def refuse_debug_logs(names: Iterable[str] = GUARDED) -> bool:
    """Raise every guarded logger set below INFO back to INFO; True if anything was changed."""
    if Config().flag(ALLOW_VARIABLE):
        return False
    changed = False
    for name in names:
        target = logging.getLogger(name)
        if target.level and target.level < logging.INFO:
            target.setLevel(logging.INFO)
            changed = True
    if changed:
        logger.warning(
            "DEBUG logging refused: at DEBUG, Rasa logs what visitors type. "
            "Set %s=1 only on a machine with no real visitors.",
            ALLOW_VARIABLE,
        )
    return changed
