"""Start the real servers (scripts/serve.sh) on spare ports for the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
RASA_PORT = int(os.environ.get("E2E_RASA_PORT", "5105"))
ACTIONS_PORT = int(os.environ.get("E2E_ACTIONS_PORT", "5155"))
LOG_DIR = ROOT / "var" / "log" / "e2e"
E2E_DIR = ROOT / "var" / "e2e"


SERVER_PIDS: Dict[str, int] = {}
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


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    env = {
        **os.environ,
        "RASA_PORT": str(RASA_PORT),
        "ACTIONS_PORT": str(ACTIONS_PORT),
        "LOG_DIR": str(LOG_DIR),
        # Enquiries made by the tests stay out of the local database and mail folder.
        "DATABASE_URL": f"sqlite:///{E2E_DIR / 'enquiries.db'}",
        "MAIL_DIR": str(E2E_DIR / "mail"),
        "ENQUIRY_WORKER_POLL_SECONDS": "0.5",
        # Every test posts from 127.0.0.1: only the per-conversation limit is exercised here.
        "RATE_LIMIT_PER_ADDRESS": "0",
        # The tests reuse one address across runs; the per-address cap has tests of its own.
        "ENQUIRY_MAX_PER_ADDRESS_PER_DAY": "0",
    }
    for old in LOG_DIR.glob("*.log"):
        old.unlink()
    proc = subprocess.run(
        ["scripts/serve.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400
    )
    for line in proc.stdout.splitlines():
        if "_pid=" in line:
            name, pid = line.split("=", 1)
            SERVER_PIDS[name] = int(pid)
    pids = list(SERVER_PIDS.values())
    try:
        assert proc.returncode == 0, f"servers did not start: {proc.stderr}"
        yield f"http://127.0.0.1:{RASA_PORT}"
    finally:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    leaked = [
        f"{log.name}: {secret}"
        for log in LOG_DIR.glob("*.log")
        for secret in LOG_SECRETS
        if secret in log.read_text(encoding="utf-8", errors="replace")
    ]
    if leaked:
        pytest.fail(f"visitor data in the logs: {leaked}", pytrace=False)


@pytest.fixture
def server_pids(server: str) -> Dict[str, int]:
    """The PIDs of the running servers (actions_pid, rasa_pid)."""
    return SERVER_PIDS


Chat = Callable[[str], List[Dict[str, Any]]]


@pytest.fixture
def chat(server: str) -> Chat:
    """A new conversation: send a message, get the bot's messages back."""
    sender = uuid.uuid4().hex

    def send(text: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    return send


def conversation(server: str) -> Chat:
    """A new conversation with its own random sender (``send.sender``)."""
    sender = uuid.uuid4().hex

    def send(text: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    send.sender = sender  # type: ignore[attr-defined]
    return send


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)
