"""Free ports and polling waits."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from typing import Callable

import requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], seconds: float, what: str, interval: float = 0.1) -> None:
    """Poll ``condition`` until it holds; raise TimeoutError naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds:.0f} s")
        time.sleep(interval)


def http_ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_http(url: str, seconds: float) -> None:
    """Wait until ``url`` answers 200."""
    wait_until(lambda: http_ok(url), seconds, f"{url} answering", interval=0.25)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child has exited
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_gone(pid: int, seconds: float = 30) -> None:
    """Wait until process ``pid`` has exited."""
    wait_until(lambda: not pid_alive(pid), seconds, f"process {pid} exiting")


def stop_process_group(process: subprocess.Popen, first: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stop a process started in a group of its own: ``first`` to it, a wait, then SIGKILL to
    whatever is left of the group."""
    if process.poll() is None:
        try:
            os.kill(process.pid, first)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
