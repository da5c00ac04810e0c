"""What ``make run`` keeps running, and how much memory each part holds after a warm-up.

The same processes ``make run`` starts (scripts/serve.sh's enquiry worker, action server and
Rasa, and the web front, on the embedded defaults: SQLite and a local mail folder), on free
ports with their files in a temporary folder; then the benchmark's calibration conversations
(its page questions, a reflection and an enquiry) as the warm-up, and each process's resident
memory (VmRSS now, VmHWM its peak) read from /proc.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Dict, List

import requests

from tests.harness.bench.workload import AssistantWorkload, Turn
from tests.harness.ports import free_port, stop_process_group, wait_http
from tests.harness.served import Served
from tests.harness.stack import ROOT, proc_memory


def resident(pid: int) -> Dict[str, float]:
    """Resident memory of ``pid`` now and at its peak, and its proportional share (the shares
    add up where resident sizes count shared libraries once per process), MB."""
    values = proc_memory(pid)
    return {
        "rss_mb": round(values.get("VmRSS", 0.0), 1),
        "peak_rss_mb": round(values.get("VmHWM", 0.0), 1),
        "pss_mb": round(values.get("Pss", 0.0), 1),
    }


def warm_up(webhook: str, conversations: List[List[Turn]]) -> int:
    """Send every conversation, each under a new sender; the number of turns answered."""
    answered = 0
    for turns in conversations:
        sender = f"footprint-{uuid.uuid4().hex[:12]}"
        for payload, _key in turns:
            response = requests.post(webhook, json={"sender": sender, **payload}, timeout=60)
            response.raise_for_status()
            answered += 1
    return answered


def measure(model: Path) -> Dict[str, object]:
    """Start what ``make run`` starts with ``model``, warm it up, read each process's memory."""
    served = Served(MODEL=str(model))
    web: subprocess.Popen | None = None
    try:
        served.start()
        web_port = free_port()
        env = {**served.env, "WEB_PORT": str(web_port), "RASA_URL": served.rasa_url}
        with (served.log_dir / "web.log").open("ab") as log:
            web = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "python"), "-m", "assistant.web"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_http(f"http://127.0.0.1:{web_port}/", 60)
        started = time.monotonic()
        turns = warm_up(served.webhook, AssistantWorkload().calibration())
        processes = {name: resident(pid) for name, pid in served.pids.items()}
        processes["web"] = resident(web.pid)
        return {
            "processes": processes,
            "total_rss_mb": round(sum(p["rss_mb"] for p in processes.values()), 1),
            "total_pss_mb": round(sum(p["pss_mb"] for p in processes.values()), 1),
            "warm_up_turns": turns,
            "warm_up_s": round(time.monotonic() - started, 1),
        }
    finally:
        if web is not None:
            stop_process_group(web)
        served.stop_all()
        shutil.rmtree(served.dir, ignore_errors=True)
