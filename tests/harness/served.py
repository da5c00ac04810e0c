"""The assistant's own processes, as ``make run`` starts them (scripts/serve.sh), for the tests.

Each :class:`Served` runs on free ports and keeps everything it writes (tracker store, enquiry
database, mail folder, logs) in one folder of its own, a temporary one unless given; the
developer's ``var/`` databases are never opened. Parts can be stopped and started again
(``stop("actions")``, ``start("rasa")``), so a test can see what a visitor sees while the
action server is down or after Rasa restarts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import requests

from tests.harness.ports import free_port, pid_alive, wait_gone

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("worker", "actions", "rasa")

Send = Callable[[str], List[Dict[str, Any]]]


class Served:
    """scripts/serve.sh's worker, action server and Rasa, on free ports, files in ``directory``."""

    def __init__(self, directory: Path | None = None, **env: str) -> None:
        self.dir = directory or Path(tempfile.mkdtemp(prefix="served-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.env: Dict[str, str] = dict(os.environ)
        self.env.update(
            {
                "RASA_PORT": str(self.rasa_port),
                "ACTIONS_PORT": str(self.actions_port),
                "LOG_DIR": str(self.log_dir),
                "DATABASE_URL": f"sqlite:///{self.dir / 'enquiries.db'}",
                "TRACKER_DB_URL": f"sqlite:///{self.dir / 'tracker.db'}",
                "MAIL_DIR": str(self.mail_dir),
                "ENQUIRY_WORKER_POLL_SECONDS": "0.5",
                # Every test posts from 127.0.0.1: the per-address limits would count a suite as one visitor.
                "RATE_LIMIT_PER_ADDRESS": "0",
                "ENQUIRY_MAX_PER_ADDRESS_PER_DAY": "0",
                # Fixed, so a restarted Rasa and the running action server share it.
                "ACTION_SERVER_TOKEN": uuid.uuid4().hex,
            }
        )
        self.env.update(env)
        self.pids: Dict[str, int] = {}

    @property
    def log_dir(self) -> Path:
        return self.dir / "log"

    @property
    def mail_dir(self) -> Path:
        return self.dir / "mail"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def start(self, parts: str = ",".join(PARTS)) -> None:
        """Start ``parts`` (comma-separated) and wait until they answer."""
        result = subprocess.run(
            ["scripts/serve.sh"],
            cwd=ROOT,
            env={**self.env, "SERVE": parts},
            capture_output=True,
            text=True,
            timeout=400,
        )
        for line in result.stdout.splitlines():
            if "_pid=" in line:
                name, pid = line.split("=", 1)
                self.pids[name.removesuffix("_pid")] = int(pid)
        if result.returncode != 0:
            self.stop_all()
            raise RuntimeError(f"servers did not start (logs in {self.log_dir}): {result.stderr[-2000:]}")

    def stop(self, part: str, timeout: float = 30) -> None:
        """Stop one part (SIGTERM, then SIGKILL) and wait until it has exited."""
        pid = self.pids.pop(part)
        try:
            os.kill(pid, signal.SIGTERM)
            wait_gone(pid, timeout)
        except ProcessLookupError:
            return
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            wait_gone(pid, 10)

    @contextmanager
    def stopped(self, part: str) -> Iterator[None]:
        """``part`` stopped for the block and started again after it (whatever the block did)."""
        self.stop(part)
        try:
            yield
        finally:
            self.start(part)

    def stop_all(self) -> None:
        for part in list(self.pids):
            self.stop(part)

    def alive(self, part: str) -> bool:
        return part in self.pids and pid_alive(self.pids[part])

    def log_files(self) -> List[Path]:
        return sorted(self.log_dir.glob("*.log"))

    def logs(self) -> str:
        return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in self.log_files())

    def conversation(self, timeout: float = 60) -> Send:
        """A new conversation with its own random sender (``send.sender``)."""
        return conversation(self.rasa_url, timeout)


@contextmanager
def serving(directory: Path | None = None, parts: str = ",".join(PARTS), **env: str) -> Iterator[Served]:
    """A started :class:`Served`, stopped after; its folder is removed unless it was given."""
    served = Served(directory, **env)
    try:
        served.start(parts)
        yield served
    finally:
        served.stop_all()
        if directory is None:
            shutil.rmtree(served.dir, ignore_errors=True)


def conversation(rasa_url: str, timeout: float = 60) -> Send:
    """A new conversation with Rasa at ``rasa_url``, with its own random sender (``send.sender``)."""
    sender = uuid.uuid4().hex
    webhook = f"{rasa_url}/webhooks/rest/webhook"

    def send(text: str) -> List[Dict[str, Any]]:
        response = requests.post(webhook, json={"sender": sender, "message": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    send.sender = sender  # type: ignore[attr-defined]
    return send


def texts(messages: List[Dict[str, Any]]) -> str:
    """The text of the bot's messages, one per line."""
    return "\n".join(m.get("text") or "" for m in messages)
