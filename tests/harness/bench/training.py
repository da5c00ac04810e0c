"""Training times for the benchmark: ``rasa train`` timed in a subprocess, or the last logged one."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Tuple

from tests.harness.stack import ROOT, VENV_BIN, StackError


def train(
    cwd: Path,
    out: Path,
    name: str,
    config: str = "config.yml",
    domain: str = "domain.yml",
    cache: Path | None = None,
) -> float:
    """Train the project in ``cwd`` into ``out/<name>.tar.gz``; return the seconds it took.

    Rasa's training cache goes to ``cache`` (default ``out/.cache``), so nothing earlier is reused.
    """
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONPATH": str(ROOT),
            "RASA_CACHE_DIRECTORY": str(cache or (out / ".cache")),
        }
    )
    started = time.monotonic()
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "--config", config, "--domain", domain, "--data", "data"]
        + ["--out", str(out), "--fixed-model-name", name, "--quiet"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(f"training {name} failed:\n{result.stdout[-1500:]}\n{result.stderr[-1500:]}")
    return time.monotonic() - started


def assistant_training_time(log: Path) -> float | None:
    """Seconds of the last training recorded in a `make train` log, if there is one."""
    if not log.exists():
        return None
    found = re.findall(
        r"trained models/assistant\.tar\.gz in (\d+(?:\.\d+)?) s", log.read_text(errors="replace")
    )
    return float(found[-1]) if found else None


def assistant_training(scratch: Path, from_scratch: bool, log: Path) -> Tuple[float | None, str]:
    """The assistant's training time in seconds (None if unknown) and where it comes from:
    timed now into ``scratch`` with a cache of its own (minutes), or read from ``log``."""
    if from_scratch:
        seconds = train(ROOT, scratch / "assistant-models", "timed", domain="domain", cache=scratch / "cache")
        return round(seconds, 1), "timed now, from scratch"
    logged = assistant_training_time(log)
    if logged is None:
        return None, "no make train log found"
    return logged, f"last run in {log.name}"
