"""Fault tests: the real servers (scripts/serve.sh), with parts stopped and started on purpose.

The enquiry database is a throwaway PostgreSQL (Debian's binaries, on loopback) that the
tests stop and start; the tracker store is a SQLite file of its own, so a restarted Rasa
finds the conversation where it was.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.integration.conftest import _postgres_bin
from tests.integration.support import free_port

ROOT = Path(__file__).resolve().parents[2]


class Postgres:
    """A PostgreSQL server the test can stop and start again on the same port."""

    def __init__(self) -> None:
        bin_dir = _postgres_bin()
        if bin_dir is None:
            pytest.fail("PostgreSQL binaries not found (make system installs them)", pytrace=False)
        self.bin = bin_dir
        self.base = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.as_user: List[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.base, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = self.base / "data"
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            cwd=self.base,
            timeout=90,
        )
        assert result.returncode == 0, result.stderr[-2000:]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off -c max_connections=40"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.base, ignore_errors=True)


class Stack:
    """The assistant's processes, started by scripts/serve.sh, each stoppable and restartable."""

    def __init__(self, postgres: Postgres) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="faults-stack-"))
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "RASA_PORT": str(self.rasa_port),
            "ACTIONS_PORT": str(self.actions_port),
            "LOG_DIR": str(self.dir / "log"),
            "DATABASE_URL": postgres.url,
            "TRACKER_DB_URL": f"sqlite:///{self.dir / 'tracker.db'}",
            "MAIL_DIR": str(self.dir / "mail"),
            "DB_CONNECT_TIMEOUT": "2",
            "ENQUIRY_SAVE_TIMEOUT": "5",
            "ENQUIRY_WORKER_POLL_SECONDS": "0.5",
            "ENQUIRY_RETRY_BASE_SECONDS": "1",
            "RATE_LIMIT_PER_ADDRESS": "0",
            # Fixed, so a restarted Rasa and the running action server share it.
            "ACTION_SERVER_TOKEN": uuid.uuid4().hex,
        }
        self.pids: Dict[str, int] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def start(self, parts: str = "worker,actions,rasa") -> None:
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
        assert result.returncode == 0, result.stderr

    def stop(self, part: str) -> None:
        pid = self.pids.pop(part)
        os.kill(pid, signal.SIGTERM)
        for _ in range(60):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.5)
        os.kill(pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for part in list(self.pids):
            self.stop(part)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in (self.dir / "log").glob("*.log"))

    def conversation(self):
        sender = uuid.uuid4().hex

        def send(text: str) -> List[Dict[str, Any]]:
            response = requests.post(self.url, json={"sender": sender, "message": text}, timeout=60)
            assert response.status_code == 200, response.status_code
            return response.json()

        send.sender = sender  # type: ignore[attr-defined]
        return send


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    server = Postgres()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@contextmanager
def running_stack(postgres: Postgres, **env: str) -> Iterator[Stack]:
    """A started stack (with ``env`` added to its environment), stopped and removed after."""
    stack = Stack(postgres)
    stack.env.update(env)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop_all()
        shutil.rmtree(stack.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(postgres: Postgres) -> Iterator[Stack]:
    with running_stack(postgres) as started:
        yield started


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
