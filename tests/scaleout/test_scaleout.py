"""The scale-out test (scripts/scaleout_test.sh) as one pytest test, for scripts/test.sh.

Needs Debian's PostgreSQL, Redis and nginx (make system) and a trained model; it fails,
naming what is missing, when they are not there.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 900


def _missing() -> list[str]:
    missing = []
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres") and not os.environ.get("POSTGRES_BIN"):
        missing.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        missing.append("nginx")
    if not (ROOT / "models" / "assistant.tar.gz").exists():
        missing.append("models/assistant.tar.gz (make train)")
    return missing


def test_two_replicas_behind_nginx_share_state_and_order() -> None:
    missing = _missing()
    if missing:
        message = f"scale-out test cannot run, missing: {', '.join(missing)} (make system)"
        pytest.fail(message, pytrace=False)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "scaleout_test.sh")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:  # timed out or interrupted: the script's trap stops everything
            process.terminate()
            process.communicate(timeout=120)
    print(output)
    assert process.returncode == 0, f"scale-out test failed:\n{output[-4000:]}"
