"""The minimal Rasa bot the assistant is compared with, trained from ``minimal_bot/``.

Two intents (greet, goodbye) answered by rules with a response each, a whitespace tokenizer,
one count-vectors featurizer, DIET (50 epochs, no transformer layers) and the rule policy: the
floor Rasa itself sets on this machine. Its endpoints.yml uses Rasa's own stores, configured
like the assistant's: the SQL tracker store on PostgreSQL (``TRACKER_DB_URL``) and Rasa's
Redis lock store (``STACK_REDIS_HOST``, ``STACK_REDIS_PORT``), all three set by
:class:`tests.harness.stack.Stack`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.harness.bench.training import train

MINIMAL_BOT = Path(__file__).resolve().parent / "minimal_bot"
MODEL_NAME = "minimal"


def make_minimal_bot(directory: Path) -> float:
    """Copy the minimal bot into ``directory`` and train it there, into
    ``directory/models/minimal.tar.gz``; return the training time in seconds."""
    shutil.copytree(MINIMAL_BOT, directory, dirs_exist_ok=True)
    return train(directory, directory / "models", MODEL_NAME)


def minimal_model(directory: Path) -> Path:
    """Where :func:`make_minimal_bot` puts the trained model."""
    return directory / "models" / f"{MODEL_NAME}.tar.gz"
