"""The real servers (tests/harness/served.py: scripts/serve.sh on free ports) for the end-to-end tests.

One set of servers per session, with its tracker store, enquiry database, mail folder and logs
in a temporary folder (pytest's, kept for reading after a failure). The tests run in any order:
a test that needs the action server down asks for ``actions_stopped``, which starts it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from tests.harness.served import Served, serving, texts  # noqa: F401 - texts for the tests
from tests.harness.served import conversation as served_conversation

ROOT = Path(__file__).resolve().parents[2]

# Things the tests type (names, an email, a phone number, message words) that must never
# appear in any server, action-server or worker log.
LOG_SECRETS = (
    "canary",
    "sam@example.com",
    "+447911123456",
    "07911 123456",
    "weekday evenings",
    "Canary Person",
)

Chat = Callable[[str], List[Dict[str, Any]]]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("e2e-served")) as running:
        yield running
    leaked = [
        f"{log.name}: {secret}"
        for log in running.log_files()
        for secret in LOG_SECRETS
        if secret in log.read_text(encoding="utf-8", errors="replace")
    ]
    if leaked:
        pytest.fail(f"visitor data in the logs: {leaked}", pytrace=False)


@pytest.fixture(scope="session")
def server(served: Served) -> str:
    """Rasa's base URL."""
    return served.rasa_url


@pytest.fixture
def actions_stopped(served: Served) -> Iterator[Served]:
    """The action server stopped for one test, and started again after it."""
    with served.stopped("actions"):
        yield served


@pytest.fixture
def chat(server: str) -> Chat:
    """A new conversation: send a message, get the bot's messages back."""
    return conversation(server)


def conversation(server: str) -> Chat:
    """A new conversation with its own random sender (``send.sender``)."""
    return served_conversation(server, timeout=30)
