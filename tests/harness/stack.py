"""The production architecture on loopback, for the scale-out test and the benchmark.

A throwaway PostgreSQL (Debian's binaries, as the ``postgres`` user when run as root) and
Redis, the action server, N Rasa replicas sharing one tracker store (``TRACKER_DB_URL``) and
one lock store (``REDIS_URL``), and nginx in front of them with a configuration generated
from ``deploy/nginx.conf``. Everything listens on 127.0.0.1 on free ports, keeps its files
in one temporary directory, and is stopped and removed by ``Stack.stop()`` (also on
SIGTERM/SIGHUP/Ctrl-C). Every service runs in its own process group; the group ids and the
directory are appended to ``STACK_PIDFILE`` when it is set, so a wrapper script can clean
up whatever is left if this process itself is killed (scripts/scaleout_test.sh does).
PostgreSQL is the harness's own (:mod:`tests.harness.postgres`).
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Callable, Dict, Iterable, List, Mapping, Match, Sequence, Union

from assistant.settings import Config
from tests.harness.ports import free_port, stop_process_group
from tests.harness.postgres import Postgres, PostgresUnavailable

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"


class StackError(RuntimeError):
    """A service did not start or answer."""


def nginx_bin() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise StackError("nginx not found (make system)")
    return found


def _substitute(
    text: str, pattern: str, replacement: Union[str, Callable[[Match[str]], str]], what: str
) -> str:
    new, count = re.subn(pattern, replacement, text, flags=re.MULTILINE | re.DOTALL)
    if count != 1:
        raise StackError(f"deploy/nginx.conf: expected one {what}, found {count}")
    return new


def local_nginx_conf(
    template: str,
    workdir: Path,
    chat_port: int,
    actions_port: int,
    upstreams: Mapping[str, Sequence[int]],
    rate_limit: bool = True,
) -> str:
    """deploy/nginx.conf rewritten to run unprivileged-style under ``workdir`` on loopback ports.

    Only addresses, file paths and upstream servers change; every proxy setting stays as
    shipped. ``rate_limit=False`` drops the per-address flood guard (a load test sends
    everything from 127.0.0.1).
    """
    text = "daemon off;\n" + template
    text = _substitute(text, r"^pid [^;]+;", f"pid {workdir}/nginx.pid;", "pid")
    text = _substitute(text, r"^error_log [^;]+;", f"error_log {workdir}/error.log warn;", "error_log")
    text = _substitute(
        text, r"access_log /dev/stdout timing;", f"access_log {workdir}/access.log timing;", "access_log"
    )
    temp_paths = "".join(
        f"    {kind}_temp_path {workdir}/{kind}_temp;\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = _substitute(text, r"^http \{\n", "http {\n" + temp_paths, "http block")
    text = _substitute(text, r"^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{chat_port};", "listen 80")
    text = _substitute(text, r"^(\s*)listen 5055;", rf"\g<1>listen 127.0.0.1:{actions_port};", "listen 5055")
    for name, ports in upstreams.items():
        servers = "".join(
            f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in ports
        )
        text = _substitute(
            text,
            rf"(upstream {name} \{{\n(?:\s*least_conn;\n)?)(?:\s*server [^\n]+\n)+",
            lambda m, servers=servers: m.group(1) + servers,
            f"upstream {name}",
        )
    if not rate_limit:
        text, count = re.subn(r"^\s*limit_req zone=[^\n]+\n", "", text, flags=re.MULTILINE)
        if count < 1:
            raise StackError("deploy/nginx.conf: no limit_req to remove")
    return text


@dataclass
class Service:
    """One running process group."""

    name: str
    process: subprocess.Popen
    log: Path
    stop_signal: int = signal.SIGTERM
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return int(self.process.pid)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def group_pids(self) -> List[int]:
        """Every live process in this service's process group."""
        pids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == self.pid:  # field 5 of /proc/<pid>/stat: process group
                pids.append(int(Path(stat).parent.name))
        return pids

    def memory(self) -> Dict[str, float]:
        """Peak and current resident memory (MB): the largest single process and the group total."""
        peak, current, total = 0.0, 0.0, 0.0
        for pid in self.group_pids():
            status = proc_memory(pid)
            hwm, rss = status.get("VmHWM", 0.0), status.get("VmRSS", 0.0)
            peak, current, total = max(peak, hwm), max(current, rss), total + rss
        return {"peak_rss_mb": round(peak, 1), "rss_mb": round(current, 1), "group_rss_mb": round(total, 1)}

    def stop(self, timeout: float = 15.0) -> None:
        stop_process_group(self.process, self.stop_signal, timeout)


def proc_memory(pid: int) -> Dict[str, float]:
    """``VmRSS`` and ``VmHWM`` of ``pid`` and its proportional share ``Pss`` (shared libraries
    divided among the processes that map them), in MB; none for a process that is gone."""
    values: Dict[str, float] = {}
    try:
        for name in ("status", "smaps_rollup"):
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS", "Pss"):
                    values[key] = int(rest.split()[0]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return values


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def post_json(url: str, payload: Mapping[str, object], timeout: float = 30.0) -> object:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
        return json.loads(response.read().decode() or "null")


class Stack:
    """PostgreSQL, Redis, the action server, Rasa replicas and nginx on loopback.

    ``project`` is the directory Rasa runs in (its endpoints.yml, credentials.yml, model);
    the assistant's by default. ``with_actions=False`` starts no action server (a bot
    without custom actions); ``rate_limit=False`` also lifts nginx's per-address limit
    and the channel's per-conversation limit (a load test). ``lock_store``: ``"env"`` (endpoints.yml as shipped, REDIS_URL
    set), ``"memory"`` (REDIS_URL empty: each replica keeps its own locks, a control run
    that must lose ordering) or ``"rasa-redis"`` (Rasa's plain ``type: redis`` store, to
    compare with assistant.lock_store.AtomicRedisLockStore).
    """

    def __init__(
        self,
        *,
        project: Path = ROOT,
        model: Path | None = None,
        with_actions: bool = True,
        rate_limit: bool = True,
        lock_store: str = "env",
        keep: bool = False,
        extra_env: Mapping[str, str] | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.project = project
        self.model = model or project / "models" / "assistant.tar.gz"
        self.with_actions = with_actions
        self.rate_limit = rate_limit
        self.lock_store = lock_store
        self.keep = keep
        self.extra_env = dict(extra_env or {})
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="rasa-stack-"))
        self.workdir.chmod(0o755)  # traversable by the postgres user and nginx's workers
        self._record(f"dir {self.workdir}")
        self.services: Dict[str, Service] = {}
        self.rasa_ports: Dict[str, int] = {}
        self.pg_port = self.redis_port = self.actions_port = 0
        self.nginx_port = self.nginx_actions_port = 0
        self.databases: List[str] = []
        self.postgres: Postgres
        # A shared secret for the action server, when endpoints.yml forwards one.
        endpoints_text = (
            (project / "endpoints.yml").read_text() if (project / "endpoints.yml").exists() else ""
        )
        self.action_token = uuid.uuid4().hex if "ACTION_SERVER_TOKEN" in endpoints_text else ""
        self._previous_handlers: Dict[int, object] = {}
        self._stopped = False

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        order = [
            "nginx",
            *sorted(n for n in self.services if n.startswith("rasa")),
            "actions",
            "redis",
            "postgres",
        ]
        for name in order + [n for n in self.services if n not in order]:
            service = self.services.get(name)
            if service:
                service.stop()
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _record(self, line: str) -> None:
        """Note a process group or the work directory for the wrapper's cleanup (STACK_PIDFILE)."""
        pidfile = Config().text("STACK_PIDFILE")
        if pidfile and not self.keep:
            with open(pidfile, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")

    def _spawn(
        self,
        name: str,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> Service:
        log = self.workdir / f"{name}.log"
        with log.open("ab") as handle:
            process = subprocess.Popen(
                list(command),
                cwd=str(cwd or self.project),
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._record(f"pgid {process.pid}")
        service = Service(name, process, log, stop_signal)
        self.services[name] = service
        return service

    def _wait(self, service: Service, url: str, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not service.alive():
                raise StackError(
                    f"{service.name} exited with {service.process.returncode}:\n{service.log_tail()}"
                )
            if http_ok(url):
                return time.monotonic() - service.started
            time.sleep(0.25)
        raise StackError(f"{service.name} did not answer {url} within {timeout:.0f} s:\n{service.log_tail()}")

    # -- environment --------------------------------------------------------------------------

    def base_env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "TF_CPP_MIN_LOG_LEVEL": env.get("TF_CPP_MIN_LOG_LEVEL", "3"),
                "RASA_TELEMETRY_ENABLED": "false",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def pg_url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.pg_port}/{database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/1"

    @property
    def tracker_db_url(self) -> str:
        return self.pg_url("tracker")

    def rasa_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[name]}"

    @property
    def nginx_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def rasa_env(self) -> Dict[str, str]:
        env = self.base_env()
        if self.action_token:
            env["ACTION_SERVER_TOKEN"] = self.action_token
        env.update(
            {
                "TRACKER_DB_URL": self.tracker_db_url,
                "REDIS_URL": self.redis_url if self.lock_store != "memory" else "",
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.nginx_actions_port}/webhook",
                # All test traffic comes from 127.0.0.1: a per-address limit would only measure
                # itself. The per-conversation limit stays unless rate_limit=False (benchmark).
                "TRUSTED_PROXY_HOPS": "1",
                "RATE_LIMIT_PER_ADDRESS": "0",
                "RATE_LIMIT_PER_SENDER": env.get("RATE_LIMIT_PER_SENDER", "") if self.rate_limit else "0",
                # Chat bodies are capped by Sanic in production too (scripts/serve.sh).
                "SANIC_REQUEST_MAX_SIZE": env.get("SANIC_REQUEST_MAX_SIZE", "65536"),
                # For an endpoints.yml with Rasa's own `type: redis` lock store (the minimal bot).
                "STACK_REDIS_HOST": "127.0.0.1",
                "STACK_REDIS_PORT": str(self.redis_port),
            }
        )
        return env

    # -- services -----------------------------------------------------------------------------

    def start_postgres(self, databases: Iterable[str] = ("tracker", "enquiries")) -> None:
        try:
            self.postgres = Postgres(
                self.workdir / "postgres",
                settings=("max_connections=200", "shared_buffers=64MB"),
                on_spawn=lambda pid: self._record(f"pgid {pid}"),
            )
            self.postgres.start()
        except PostgresUnavailable as error:
            raise StackError(str(error)) from None
        assert self.postgres.process is not None
        self.pg_port = self.postgres.port
        self.services["postgres"] = Service(
            "postgres",
            self.postgres.process,
            self.postgres.log,
            signal.SIGINT,  # fast shutdown
        )
        for name in databases:
            self.create_database(name)

    def create_database(self, name: str) -> str:
        self.postgres.create_database(name)
        self.databases.append(name)
        return self.pg_url(name)

    def start_redis(self) -> None:
        redis_dir = self.workdir / "redis"
        redis_dir.mkdir()
        self.redis_port = free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        service = self._spawn(
            "redis",
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
            ]
            + ["--daemonize", "no", "--dir", str(redis_dir), "--protected-mode", "yes"],
            cwd=redis_dir,
        )
        deadline = time.monotonic() + 20
        while not _redis_ping(self.redis_port):
            if not service.alive() or time.monotonic() > deadline:
                raise StackError(f"Redis did not start:\n{service.log_tail()}")
            time.sleep(0.1)

    def start_actions(self, timeout: float = 180) -> float:
        """Migrate the enquiry database, start the action server; return seconds to ready."""
        env = self.base_env()
        env.update(
            {
                "DATABASE_URL": self.pg_url("enquiries"),
                "TRACKER_DB_URL": self.tracker_db_url,
                "MAIL_DIR": str(self.workdir / "mail"),
                "SANIC_HOST": "127.0.0.1",
            }
        )
        migrate = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "assistant.enquiries.admin", "migrate"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if migrate.returncode != 0:
            raise StackError(f"enquiry migration failed:\n{migrate.stderr[-2000:]}")
        self.actions_port = free_port()
        env.update({"ACTIONS_HOST": "127.0.0.1", "ACTIONS_PORT": str(self.actions_port)})
        if (ROOT / "assistant" / "action_server.py").exists():
            # The hardened server (shared secret). The token is checked only once endpoints.yml
            # sends it (X-Action-Token from ACTION_SERVER_TOKEN); until then it runs without one.
            if self.action_token:
                env["ACTION_SERVER_TOKEN"] = self.action_token
            else:
                env.pop("ACTION_SERVER_TOKEN", None)
                env["ACTION_SERVER_ALLOW_NO_TOKEN"] = "1"
            command = [str(VENV_BIN / "python"), "-m", "assistant.action_server"]
        else:
            command = [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions"]
            command += ["--port", str(self.actions_port)]
        service = self._spawn("actions", command, env=env, cwd=ROOT)
        return self._wait(service, f"http://127.0.0.1:{self.actions_port}/health", timeout)

    def model_copy(self) -> Path:
        """The model, copied once into the work directory: a retrain mid-run changes nothing here."""
        copy = self.workdir / "model.tar.gz"
        if not copy.exists():
            if not self.model.exists():
                raise StackError(f"no model at {self.model} (make train)")
            shutil.copyfile(self.model, copy)
        return copy

    def endpoints_file(self) -> str:
        """endpoints.yml as shipped, or a copy with Rasa's plain Redis lock store (lock_store="rasa-redis")."""
        if self.lock_store != "rasa-redis":
            return "endpoints.yml"
        shipped = (self.project / "endpoints.yml").read_text()
        plain = f"lock_store:\n  type: redis\n  url: 127.0.0.1\n  port: {self.redis_port}\n  db: 1\n"
        changed, count = re.subn(r"^lock_store:\n(?:[ #].*\n?)*", plain, shipped, flags=re.MULTILINE)
        if count != 1:
            raise StackError("endpoints.yml: no lock_store block to replace")
        path = self.workdir / "endpoints-rasa-redis.yml"
        path.write_text(changed)
        return str(path)

    def spawn_rasa(self, name: str) -> Service:
        """Start one Rasa replica (does not wait)."""
        if not self.nginx_actions_port:
            self.nginx_actions_port = free_port()
        port = free_port()
        self.rasa_ports[name] = port
        return self._spawn(
            name,
            [str(VENV_BIN / "rasa"), "run", "--interface", "127.0.0.1", "--port", str(port)]
            + [
                "--model",
                str(self.model_copy()),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                self.endpoints_file(),
            ]
            + ["--cors", f"http://127.0.0.1:{self.nginx_port or port}"],
            env=self.rasa_env(),
            cwd=self.project,
        )

    def wait_first_answer(self, name: str, timeout: float = 300, message: str = "hello") -> float:
        """Seconds from starting replica ``name`` to its first non-empty reply to ``message``."""
        service = self.services[name]
        url = f"{self.rasa_url(name)}/webhooks/rest/webhook"
        deadline = service.started + timeout
        while time.monotonic() < deadline:
            if not service.alive():
                raise StackError(f"{name} exited with {service.process.returncode}:\n{service.log_tail()}")
            try:
                reply = post_json(url, {"sender": f"coldstart-{uuid.uuid4().hex}", "message": message}, 30)
                if isinstance(reply, list) and reply:
                    return time.monotonic() - service.started
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.25)
        raise StackError(f"{name} gave no answer within {timeout:.0f} s:\n{service.log_tail()}")

    def start_nginx(self, timeout: float = 20) -> None:
        directory = self.workdir / "nginx"
        directory.mkdir()
        if not self.nginx_port:
            self.nginx_port = free_port()
        if not self.nginx_actions_port:
            self.nginx_actions_port = free_port()
        upstreams: Dict[str, List[int]] = {"rasa": [self.rasa_ports[n] for n in sorted(self.rasa_ports)]}
        # Without an action server the actions upstream points at a closed port (never called).
        upstreams["actions"] = [self.actions_port or free_port()]
        # No web front in these stacks: its upstream points at a closed port (never called).
        upstreams["web"] = [free_port()]
        conf = directory / "nginx.conf"
        conf.write_text(
            local_nginx_conf(
                NGINX_TEMPLATE.read_text(),
                directory,
                self.nginx_port,
                self.nginx_actions_port,
                upstreams,
                rate_limit=self.rate_limit,
            )
        )
        binary = nginx_bin()
        check = subprocess.run(
            [binary, "-t", "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if check.returncode != 0:
            raise StackError(f"nginx -t failed:\n{check.stderr[-2000:]}")
        service = self._spawn(
            "nginx",
            [binary, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")],
            cwd=directory,
            stop_signal=signal.SIGQUIT,  # graceful: finish requests in flight
        )
        self._wait(service, f"{self.nginx_url}/webhooks/rest/", timeout)

    def start(self, replicas: int = 2, timeout: float = 300) -> Dict[str, float]:
        """Start everything; return seconds from start to first answer for each replica."""
        self.start_postgres()
        self.start_redis()
        if self.with_actions:
            self.start_actions()
        self.nginx_port = free_port()
        names = [f"rasa-{chr(ord('a') + i)}" for i in range(replicas)]
        for name in names:
            self.spawn_rasa(name)
        cold = {name: self.wait_first_answer(name, timeout) for name in names}
        self.start_nginx()
        return cold


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
