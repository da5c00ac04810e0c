"""A throwaway PostgreSQL server from Debian's binaries, on loopback, in a temporary folder.

Started in the foreground in a process group of its own (so a test can stop it as a crash
would, and start it again on the same port with its data), as the ``postgres`` system user
when the tests run as root. Used by the integration tier, the fault tests and the stack.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Sequence

from assistant.settings import Config
from tests.harness.ports import free_port, stop_process_group


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's binaries are missing or the server did not start."""


def postgres_bin() -> Path:
    """The directory with initdb and postgres: POSTGRES_BIN, else Debian's newest."""
    configured = Config().text("POSTGRES_BIN")
    candidates = [configured] if configured else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    where = configured or "/usr/lib/postgresql/*/bin"
    raise PostgresUnavailable(f"no initdb/postgres under {where} (make system installs Debian's postgresql)")


def _as_postgres_user(base: Path) -> List[str]:
    """The command prefix that runs a tool as the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root and there is no 'postgres' system user") from None
    os.chown(base, account.pw_uid, account.pw_gid)
    # setpriv execs the server itself, so the process we start is the postmaster.
    return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--init-groups", "--"]


class Postgres:
    """A PostgreSQL server in ``base`` (a new temporary folder by default) on a free port."""

    host = "127.0.0.1"
    user = "postgres"  # the superuser, trusted on loopback

    def __init__(
        self,
        base: Path | None = None,
        *,
        settings: Sequence[str] = ("max_connections=40", "shared_buffers=16MB"),
        on_spawn: Callable[[int], None] | None = None,
    ) -> None:
        self.bin = postgres_bin()
        self.base = base or Path(tempfile.mkdtemp(prefix="pg-"))
        self.base.mkdir(parents=True, exist_ok=True)
        self.as_user = _as_postgres_user(self.base)
        self.data = self.base / "data"
        self.log = self.base / "log"
        self.port = free_port()
        self.settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", *settings]
        self.on_spawn = on_spawn
        self.process: subprocess.Popen | None = None
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def run(self, tool: str, *args: str, timeout: float = 120) -> str:
        """Run one of PostgreSQL's tools as the server's user; its output, or PostgresUnavailable."""
        extra = ["-E", "UTF8", "--no-locale"] if tool == "initdb" else []
        result = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args, *extra],
            capture_output=True,
            text=True,
            cwd=self.base,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"{tool} failed:\n{result.stderr[-2000:]}")
        return result.stdout

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60) -> None:
        """Start the server (again, on the same port and data) and wait until it takes connections."""
        import psycopg2

        options: List[str] = []
        for setting in self.settings:
            options += ["-c", setting]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.as_user, str(self.bin / "postgres"), "-D", str(self.data), "-h", "127.0.0.1"]
                + ["-p", str(self.port), "-k", str(self.base), *options],
                cwd=self.base,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self.on_spawn:
            self.on_spawn(self.process.pid)
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg2.connect(
                    host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", connect_timeout=2
                ).close()
                return
            except psycopg2.OperationalError:
                if not self.running or time.monotonic() > deadline:
                    tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
                    self.stop(immediate=True)
                    raise PostgresUnavailable(f"PostgreSQL did not start:\n{tail}") from None
                time.sleep(0.1)

    def stop(self, immediate: bool = False, timeout: float = 30) -> None:
        """Stop the server: a fast shutdown, or an immediate one (as a crash would)."""
        process, self.process = self.process, None
        if process is not None:
            stop_process_group(process, signal.SIGQUIT if immediate else signal.SIGINT, timeout)

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop(immediate=True)
        shutil.rmtree(self.base, ignore_errors=True)

    def execute(self, statement: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) as the superuser."""
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, connect_timeout=5
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        self.execute(f"CREATE DATABASE {name}")
        return self.url(name)
