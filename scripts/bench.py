"""Benchmark (make bench): the assistant on Rasa's scale-out architecture against a minimal Rasa bot.

For each bot (this assistant, and a minimal Rasa bot trained here in a temporary directory:
two intents, a tokenizer, one featurizer, DIET and the rule policy, the floor Rasa itself
sets on this machine) and each number of Rasa replicas (1 and 2, behind nginx, with the
PostgreSQL tracker store and the Redis lock store; scripts/stack.py), the load generator
runs 1, 10 and 50 virtual users. Each virtual user holds one conversation at a time and
sends its turns one after another with no pause (closed loop), then starts a new one. The
assistant's conversations are a realistic mix: page visits (the opening, three page
questions from the held-out set, thanks), a guided reflection (intro, begin, three
answers, stop) and an enquiry (the whole form to "Send it", stored in PostgreSQL).

A closed loop saturates the machine from about 10 users on, so the assistant also runs
paced: 10 users pausing about 3 s (±50%) between a reply and their next message, a busy
but human rhythm, for the reply time of turns that run a custom action.

Reported per configuration: p50/p95/p99 reply time, messages per second, errors, peak
resident memory per process (VmHWM from /proc), cold start to first answer per replica,
the action server's share of custom-action turns (from nginx's log), and the training
times (the minimal bot's measured here; the assistant's from the last "trained ... in N s"
line of --train-log, or timed from scratch with --time-assistant-training). Turns are labelled "action" when they call the action server and
"answer" otherwise, measured once before the load (each turn sent alone, counting the
action server calls in nginx's access log). Results: results/bench/bench.json,
results/bench/latency.png and a markdown table on stdout. Prints no message text.

Usage: python scripts/bench.py [--duration 30] [--warmup 5] [--levels 1,10,50] [--replicas 1,2]
           [--bots assistant,minimal] [--paced-levels 10] [--paced-think 3] [--paced-duration 60]
A full run takes about 12 minutes on 2 cores; --duration 10 --paced-duration 20 about 6.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import aiohttp
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.nlu import load_examples  # noqa: E402
from scripts.stack import VENV_BIN, Stack, StackError, post_json  # noqa: E402

Payload = Dict[str, Any]
Turn = Tuple[Payload, str]  # (request body without the sender, turn key)

TARGETS = {
    "action_p95_ms_at_10": 150.0,
    "answer_p50_ratio_to_minimal": 1.5,
    "msgs_per_s_2_replicas": 30.0,
    "rasa_rss_mb": 1300.0,
    "cold_start_s": 30.0,
}


# -- workloads ------------------------------------------------------------------------------


class AssistantWorkload:
    """Page visits, reflections and enquiries, in the proportions of a small practice's site."""

    name = "assistant"
    mix = (("page", 0.6), ("reflection", 0.2), ("enquiry", 0.2))
    reflection = [
        "I'd like to reflect",
        "Yes, let's begin",
        "usually late at night when I'm tired and bored",
        "it makes me feel wanted for a while",
        "skip",
        "stop",
    ]
    enquiry = [
        "Send an enquiry",
        "Sam",
        "By email",
        "{email}",
        "Just me",
        "weekday evenings",
        "skip",
        "Yes, I agree",
        "Send it",
    ]

    def __init__(self, pool_size: int = 40) -> None:
        examples = load_examples(ROOT / "tests" / "nlu" / "heldout.yml")
        page = [text for text, label in examples if label.startswith("faq/")]
        step = max(len(page) // pool_size, 1)
        self.questions = page[::step][:pool_size]

    def conversation(self, rng: random.Random, serial: str) -> List[Turn]:
        kind = rng.choices([k for k, _ in self.mix], weights=[w for _, w in self.mix])[0]
        if kind == "page":
            picks = rng.sample(range(len(self.questions)), 3)
            return (
                [({"start": True}, "open")]
                + [({"message": self.questions[i]}, f"q:{i}") for i in picks]
                + [({"message": "thanks, that helps"}, "thanks")]
            )
        if kind == "reflection":
            return [({"message": text}, f"reflection:{i}") for i, text in enumerate(self.reflection)]
        email = f"bench.{serial}@example.com"
        return [
            ({"message": text.format(email=email)}, f"enquiry:{i}") for i, text in enumerate(self.enquiry)
        ]

    def calibration(self) -> List[List[Turn]]:
        """Conversations that contain every turn key once."""
        pages = [
            [({"start": True}, "open"), ({"message": q}, f"q:{i}")] for i, q in enumerate(self.questions)
        ]
        pages[0].append(({"message": "thanks, that helps"}, "thanks"))
        rng = random.Random(0)
        scripted = []
        for kind in ("reflection", "enquiry"):
            while True:
                conversation = self.conversation(rng, "calibration")
                if conversation[0][1].startswith(kind):
                    scripted.append(conversation)
                    break
        return pages + scripted


class MinimalWorkload:
    """Greetings and goodbyes: every turn is a response from the domain."""

    name = "minimal"
    texts = ["hello", "hi there", "good morning", "bye", "goodbye", "see you later"]

    def conversation(self, rng: random.Random, serial: str) -> List[Turn]:
        return [({"message": self.texts[i]}, f"minimal:{i}") for i in range(len(self.texts))]

    def calibration(self) -> List[List[Turn]]:
        return [self.conversation(random.Random(0), "calibration")]


MINIMAL_FILES = {
    "config.yml": """recipe: default.v1
language: en
assistant_id: minimal-floor
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 50
    number_of_transformer_layers: 0
    entity_recognition: false
    random_seed: 7
policies:
  - name: RulePolicy
""",
    "domain.yml": """version: "3.1"
intents:
  - greet
  - goodbye
responses:
  utter_greet:
    - text: Hello! How can I help?
  utter_goodbye:
    - text: Goodbye, take care.
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: false
""",
    "data/nlu.yml": """version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hello
      - hi
      - hi there
      - hey
      - good morning
      - good evening
      - hello there
      - hiya
  - intent: goodbye
    examples: |
      - bye
      - goodbye
      - see you later
      - see you
      - bye bye
      - good night
      - talk to you later
      - cheerio
""",
    "data/rules.yml": """version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: goodbye
    steps:
      - intent: goodbye
      - action: utter_goodbye
""",
    "credentials.yml": "rest:\n",
    # Rasa's own stores, configured like the assistant's: PostgreSQL and Redis.
    "endpoints.yml": """tracker_store:
  type: sql
  url: ${TRACKER_DB_URL}
lock_store:
  type: redis
  url: ${STACK_REDIS_HOST}
  port: ${STACK_REDIS_PORT}
  db: 1
""",
}


def make_minimal_bot(directory: Path) -> float:
    """Write the minimal bot into ``directory`` and train it; return the training time in seconds."""
    for name, text in MINIMAL_FILES.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return train(directory, directory / "models", "minimal")


def train(
    cwd: Path,
    out: Path,
    name: str,
    config: str = "config.yml",
    domain: str = "domain.yml",
    cache: Path | None = None,
) -> float:
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


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Sample:
    started: float
    finished: float
    ms: float
    key: str
    ok: bool
    error: str = ""


def action_calls(stack: Stack) -> int:
    log = stack.workdir / "nginx" / "access.log"
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if " /webhook " in line)


def access_log_lines(stack: Stack) -> List[str]:
    log = stack.workdir / "nginx" / "access.log"
    return log.read_text().splitlines() if log.exists() else []


def action_server_times(lines: List[str]) -> Dict[str, Any]:
    """Time the action server took per call (nginx's upstream response time on /webhook)."""
    times = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 8 and fields[2] == "/webhook":
            try:
                times.append(float(fields[-1]) * 1000)
            except ValueError:
                continue
    return percentiles(times)


def measure(
    stack: Stack,
    url: str,
    workload: Any,
    users: int,
    think: float,
    kinds: Dict[str, str],
    args: argparse.Namespace,
    duration: float | None = None,
) -> Dict[str, Any]:
    """One load level: reply times from the client, action server times from nginx's log."""
    mark = len(access_log_lines(stack))
    samples, window_start, window_end = asyncio.run(
        run_load(url, workload, users, duration or args.duration, args.warmup, think)
    )
    summary: Dict[str, Any] = {
        "conversations": users,
        "think_s": think,
        "duration_s": duration or args.duration,
    }
    summary.update(summarise(samples, window_start, window_end, kinds))
    summary["action_server_ms"] = action_server_times(access_log_lines(stack)[mark:])
    summary["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return summary


def calibrate(stack: Stack, workload: Any) -> Dict[str, str]:
    """Label each turn key "action" if it called the action server, else "answer"."""
    kinds: Dict[str, str] = {}
    url = f"{stack.nginx_url}/webhooks/rest/webhook"
    for conversation in workload.calibration():
        sender = f"calibration-{uuid.uuid4().hex}"
        for payload, key in conversation:
            before = action_calls(stack)
            post_json(url, {"sender": sender, **payload}, 60)
            called = action_calls(stack) > before
            kinds[key] = "action" if called or kinds.get(key) == "action" else "answer"
    return kinds


async def virtual_user(
    session: aiohttp.ClientSession,
    url: str,
    workload: Any,
    user: int,
    deadline: float,
    think: float,
    samples: List[Sample],
) -> None:
    rng = random.Random(user)
    conversation_number = 0
    while time.perf_counter() < deadline:
        conversation_number += 1
        sender = f"bench-{user}-{conversation_number}-{uuid.uuid4().hex[:8]}"
        for payload, key in workload.conversation(rng, f"{user}.{conversation_number}"):
            if time.perf_counter() >= deadline:
                return
            started = time.perf_counter()
            error = ""
            try:
                async with session.post(url, json={"sender": sender, **payload}) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200:
                        error = f"HTTP {response.status}"
                    elif not isinstance(body, list) or not body:
                        error = "no reply"
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                error = type(exc).__name__
            finished = time.perf_counter()
            ok = not error
            samples.append(Sample(started, finished, (finished - started) * 1000, key, ok, error))
            if not ok:
                break  # a broken conversation is abandoned; the user starts a new one
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def run_load(
    url: str, workload: Any, users: int, duration: float, warmup: float, think: float
) -> Tuple[List[Sample], float, float]:
    samples: List[Sample] = []
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=users, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        deadline = start + warmup + duration
        await asyncio.gather(
            *(virtual_user(session, url, workload, u, deadline, think, samples) for u in range(users))
        )
    return samples, start + warmup, deadline


def percentiles(values: Sequence[float]) -> Dict[str, float | None]:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}
    p50, p95, p99 = np.percentile(np.asarray(values), [50, 95, 99])
    return {
        "n": len(values),
        "p50_ms": round(float(p50), 1),
        "p95_ms": round(float(p95), 1),
        "p99_ms": round(float(p99), 1),
    }


def summarise(
    samples: List[Sample], window_start: float, window_end: float, kinds: Dict[str, str]
) -> Dict[str, Any]:
    measured = [s for s in samples if s.started >= window_start]
    done_in_window = [s for s in samples if s.ok and window_start <= s.finished <= window_end]
    good = [s for s in measured if s.ok]
    summary: Dict[str, Any] = {
        "messages": len(measured),
        "errors": sum(1 for s in measured if not s.ok),
        "msgs_per_s": round(len(done_in_window) / max(window_end - window_start, 1e-9), 2),
        "error_kinds": dict(Counter(s.error for s in measured if not s.ok)),
        **percentiles([s.ms for s in good]),
        "by_kind": {},
    }
    for kind in ("answer", "action"):
        summary["by_kind"][kind] = percentiles([s.ms for s in good if kinds.get(s.key, "answer") == kind])
    return summary


def memory(stack: Stack) -> Dict[str, Dict[str, float]]:
    return {name: service.memory() for name, service in stack.services.items()}


def bench_configuration(
    workload: Any,
    replicas: int,
    args: argparse.Namespace,
    project: Path,
    model: Path,
    kinds: Dict[str, str] | None,
) -> Tuple[Dict[str, Any], Dict[str, str]]:
    print(f"\n== {workload.name}, {replicas} replica(s): starting the stack", flush=True)
    with Stack(
        project=project, model=model, with_actions=workload.name == "assistant", rate_limit=False
    ) as stack:
        cold = stack.start(replicas=replicas)
        print(f"   first answer after {', '.join(f'{v:.1f} s' for v in cold.values())}", flush=True)
        if kinds is None:
            kinds = calibrate(stack, workload)
            counts = {k: sum(1 for v in kinds.values() if v == k) for k in ("answer", "action")}
            print(f"   turn kinds measured: {counts}", flush=True)
        url = f"{stack.nginx_url}/webhooks/rest/webhook"
        levels = []
        for users in args.levels:
            summary = measure(stack, url, workload, users, args.think, kinds, args)
            levels.append(summary)
            print(
                f"   {users:>3} conversations: {summary['msgs_per_s']:.1f} msg/s, p50 {summary['p50_ms']} ms, "
                f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, errors {summary['errors']}/{summary['messages']} "
                f"{summary['error_kinds'] or ''}",
                flush=True,
            )
        paced = []
        if workload.name == "assistant":
            for users in args.paced_levels:
                summary = measure(
                    stack, url, workload, users, args.paced_think, kinds, args, args.paced_duration
                )
                paced.append(summary)
                action = summary["by_kind"]["action"]
                print(
                    f"   {users:>3} conversations, {args.paced_think:g} s between turns: "
                    f"{summary['msgs_per_s']:.1f} msg/s, action turns p50 {action['p50_ms']} ms, "
                    f"p95 {action['p95_ms']} ms, errors {summary['errors']}/{summary['messages']}",
                    flush=True,
                )
        result = {
            "bot": workload.name,
            "replicas": replicas,
            "cold_start_s": {name: round(value, 1) for name, value in cold.items()},
            "levels": levels,
            "paced": paced,
            "memory_mb": memory(stack),
            "turn_kinds": kinds,
        }
    return result, kinds


# -- report ---------------------------------------------------------------------------------


def level(run: Dict[str, Any], users: int) -> Dict[str, Any] | None:
    return next((lv for lv in run["levels"] if lv["conversations"] == users), None)


def rasa_peak(run: Dict[str, Any]) -> float:
    return max(v["peak_rss_mb"] for k, v in run["memory_mb"].items() if k.startswith("rasa"))


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}{unit}" if value >= 10 else f"{value:.1f}{unit}"
    return f"{value}{unit}"


def table(results: Dict[str, Any]) -> str:
    lines = [
        "| bot | Rasa replicas | conversations | msg/s | p50 ms | p95 ms | p99 ms | errors | answer p50 ms | action p95 ms | peak RSS per Rasa process | cold start to first answer |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in results["runs"]:
        cold = max(run["cold_start_s"].values())
        for lv in run["levels"]:
            lines.append(
                f"| {run['bot']} | {run['replicas']} | {lv['conversations']} | {fmt(lv['msgs_per_s'])} | "
                f"{fmt(lv['p50_ms'])} | {fmt(lv['p95_ms'])} | {fmt(lv['p99_ms'])} | {lv['errors']} of {lv['messages']} | "
                f"{fmt(lv['by_kind']['answer']['p50_ms'])} | {fmt(lv['by_kind']['action']['p95_ms'])} | "
                f"{rasa_peak(run):.0f} MB | {cold:.1f} s |"
            )
    training = results["training"]
    lines.append("")
    lines.append(
        f"Training: assistant {fmt(training['assistant_s'], ' s')} ({training['assistant_source']}); "
        f"minimal bot {fmt(training['minimal_s'], ' s')}."
    )
    return "\n".join(lines)


def action_table(results: Dict[str, Any]) -> str:
    """Turns that run a custom action, and the others, at the paced and closed-loop levels."""
    lines = [
        "| Rasa replicas | conversations | pause between turns | msg/s | action turns p50 / p95 / p99 ms "
        "| of which in the action server p50 / p95 ms (per call) | answer turns p50 / p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in results["runs"]:
        if run["bot"] != "assistant":
            continue
        rows = [(lv, "none") for lv in run["levels"] if lv["conversations"] == 10]
        rows += [(p, f"{p['think_s']:g} s (±50%)") for p in run.get("paced", [])]
        for lv, pause in rows:
            action, answer = lv["by_kind"]["action"], lv["by_kind"]["answer"]
            server = lv.get("action_server_ms") or {}
            lines.append(
                f"| {run['replicas']} | {lv['conversations']} | {pause} | {fmt(lv['msgs_per_s'])} | "
                f"{fmt(action['p50_ms'])} / {fmt(action['p95_ms'])} / {fmt(action['p99_ms'])} | "
                f"{fmt(server.get('p50_ms'))} / {fmt(server.get('p95_ms'))} | "
                f"{fmt(answer['p50_ms'])} / {fmt(answer['p95_ms'])} |"
            )
    return "\n".join(lines)


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    runs = {(r["bot"], r["replicas"]): r for r in results["runs"]}
    checks: List[Dict[str, Any]] = []

    def add(name: str, measured: float | None, limit: float, ok: bool | None, note: str = "") -> None:
        checks.append({"target": name, "measured": measured, "limit": limit, "met": ok, "note": note})

    for replicas in (1, 2):
        run = runs.get(("assistant", replicas))
        modes = [("no pause between turns", level(run, 10) if run else None)]
        paced = next((p for p in run.get("paced", []) if p["conversations"] == 10), None) if run else None
        if paced:
            modes.append((f"{paced['think_s']:g} s between turns", paced))
        for mode, lv in modes:
            value = lv["by_kind"]["action"]["p95_ms"] if lv else None
            add(
                f"p95 of custom-action turns, 10 conversations, {mode}, {replicas} replica(s) (ms)",
                value,
                TARGETS["action_p95_ms_at_10"],
                None if value is None else value <= TARGETS["action_p95_ms_at_10"],
            )
    for replicas in (1, 2):
        for users in (1, 10):
            ours, floor = runs.get(("assistant", replicas)), runs.get(("minimal", replicas))
            a = level(ours, users) if ours else None
            m = level(floor, users) if floor else None
            ratio = None
            if a and m and a["by_kind"]["answer"]["p50_ms"] and m["by_kind"]["answer"]["p50_ms"]:
                ratio = round(a["by_kind"]["answer"]["p50_ms"] / m["by_kind"]["answer"]["p50_ms"], 2)
            add(
                f"p50 of answer turns / minimal bot's, {replicas} replica(s), {users} conversation(s)",
                ratio,
                TARGETS["answer_p50_ratio_to_minimal"],
                None if ratio is None else ratio <= TARGETS["answer_p50_ratio_to_minimal"],
            )
    run = runs.get(("assistant", 2))
    best = max((lv["msgs_per_s"] for lv in run["levels"]), default=None) if run else None
    add(
        "messages per second with 2 replicas (best level)",
        best,
        TARGETS["msgs_per_s_2_replicas"],
        None if best is None else best >= TARGETS["msgs_per_s_2_replicas"],
    )
    peaks = [rasa_peak(r) for r in results["runs"] if r["bot"] == "assistant"]
    peak = max(peaks) if peaks else None
    add(
        "peak resident memory per Rasa process (MB)",
        peak,
        TARGETS["rasa_rss_mb"],
        None if peak is None else peak <= TARGETS["rasa_rss_mb"],
    )
    colds = [max(r["cold_start_s"].values()) for r in results["runs"] if r["bot"] == "assistant"]
    single = [r["cold_start_s"] for r in results["runs"] if r["bot"] == "assistant" and r["replicas"] == 1]
    cold = max(single[0].values()) if single else (max(colds) if colds else None)
    add(
        "cold start to first answer, one replica (s)",
        cold,
        TARGETS["cold_start_s"],
        None if cold is None else cold <= TARGETS["cold_start_s"],
    )
    return checks


def targets_table(checks: List[Dict[str, Any]]) -> str:
    lines = ["| target | limit | measured | met |", "| --- | --- | --- | --- |"]
    for check in checks:
        met = {True: "yes", False: "**no**", None: "not measured"}[check["met"]]
        lines.append(f"| {check['target']} | {check['limit']:g} | {fmt(check['measured'])} | {met} |")
    return "\n".join(lines)


def plot(results: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4.2))
    for run in results["runs"]:
        users = [lv["conversations"] for lv in run["levels"]]
        label = f"{run['bot']}, {run['replicas']} replica{'s' if run['replicas'] > 1 else ''}"
        style = "-" if run["bot"] == "assistant" else ":"
        line = latency.plot(
            users, [lv["p50_ms"] for lv in run["levels"]], style, marker="o", label=f"{label} p50"
        )[0]
        latency.plot(
            users,
            [lv["p95_ms"] for lv in run["levels"]],
            style,
            marker="^",
            color=line.get_color(),
            alpha=0.5,
            label=f"{label} p95",
        )
        throughput.plot(
            users,
            [lv["msgs_per_s"] for lv in run["levels"]],
            style,
            marker="o",
            color=line.get_color(),
            label=label,
        )
    latency.set(
        xscale="log",
        yscale="log",
        xlabel="concurrent conversations",
        ylabel="reply time (ms)",
        title="Reply time",
    )
    throughput.set(
        xscale="log", xlabel="concurrent conversations", ylabel="messages per second", title="Throughput"
    )
    throughput.axhline(TARGETS["msgs_per_s_2_replicas"], color="grey", linewidth=0.8, linestyle="--")
    latency.axhline(TARGETS["action_p95_ms_at_10"], color="grey", linewidth=0.8, linestyle="--")
    latency.legend(fontsize=7)
    throughput.legend(fontsize=7)
    for axis in (latency, throughput):
        axis.grid(True, which="both", alpha=0.3)
    fig.suptitle(
        f"{results['machine']['cpus']} CPUs, {results['settings']['duration_s']:.0f} s per level, closed loop",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=30.0, help="measured seconds per level (default 30)"
    )
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="unmeasured seconds before each level (default 5)"
    )
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations (default 1,10,50)")
    parser.add_argument("--replicas", default="1,2", help="Rasa replica counts (default 1,2)")
    parser.add_argument("--bots", default="assistant,minimal", help="which bots (default assistant,minimal)")
    parser.add_argument(
        "--think", type=float, default=0.0, help="pause between a reply and the next turn (s)"
    )
    parser.add_argument(
        "--paced-levels", default="10", help="assistant runs with --paced-think pauses (default 10)"
    )
    parser.add_argument(
        "--paced-think",
        type=float,
        default=3.0,
        help="mean pause between turns in the paced runs (default 3 s)",
    )
    parser.add_argument(
        "--paced-duration", type=float, default=60.0, help="measured seconds of each paced run (default 60)"
    )
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument(
        "--train-log",
        type=Path,
        default=ROOT / "var" / "log" / "train.log",
        help="a `make train` log to read the assistant's training time from",
    )
    parser.add_argument(
        "--time-assistant-training",
        action="store_true",
        help="train the assistant from scratch into a temporary directory to time it (minutes)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench")
    args = parser.parse_args(argv)
    args.levels = [int(x) for x in args.levels.split(",") if x.strip()]
    args.paced_levels = [int(x) for x in args.paced_levels.split(",") if x.strip()]
    replica_counts = [int(x) for x in args.replicas.split(",") if x.strip()]
    bots = [b.strip() for b in args.bots.split(",") if b.strip()]

    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    results: Dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "levels": args.levels,
            "replicas": replica_counts,
            "think_s": args.think,
            "paced_levels": args.paced_levels,
            "paced_think_s": args.paced_think,
            "paced_duration_s": args.paced_duration,
            "model": str(args.model),
        },
        "targets": TARGETS,
        "runs": [],
    }
    training: Dict[str, Any] = {
        "assistant_s": None,
        "assistant_source": "no make train log found",
        "minimal_s": None,
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch_dir = Path(scratch)
        try:
            if args.time_assistant_training:
                print("training the assistant from scratch to time it...", flush=True)
                training["assistant_s"] = round(
                    train(
                        ROOT,
                        scratch_dir / "assistant-models",
                        "timed",
                        domain="domain",
                        cache=scratch_dir / "cache",
                    ),
                    1,
                )
                training["assistant_source"] = "timed now, from scratch"
            else:
                logged = assistant_training_time(args.train_log)
                if logged is not None:
                    training["assistant_s"] = logged
                    training["assistant_source"] = f"last run in {args.train_log.name}"
            # One copy of the model for every assistant run, whatever happens to models/ meanwhile.
            model_copy = scratch_dir / "assistant.tar.gz"
            if "assistant" in bots:
                shutil.copyfile(args.model, model_copy)
                results["settings"]["model_sha256"] = hashlib.sha256(model_copy.read_bytes()).hexdigest()
            minimal_dir = scratch_dir / "minimal"
            if "minimal" in bots:
                print("training the minimal bot...", flush=True)
                training["minimal_s"] = round(make_minimal_bot(minimal_dir), 1)
                print(f"   trained in {training['minimal_s']} s", flush=True)
            results["training"] = training
            for bot in bots:
                workload: Any = AssistantWorkload() if bot == "assistant" else MinimalWorkload()
                project = ROOT if bot == "assistant" else minimal_dir
                model = model_copy if bot == "assistant" else minimal_dir / "models" / "minimal.tar.gz"
                kinds: Dict[str, str] | None = None
                for replicas in replica_counts:
                    run, kinds = bench_configuration(workload, replicas, args, project, model, kinds)
                    results["runs"].append(run)
        except (StackError, urllib.error.URLError, OSError) as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 1
    results["duration_s"] = round(time.monotonic() - started, 1)
    results["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["target_checks"] = targets(results)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    try:
        plot(results, args.out / "latency.png")
    except ImportError:
        print("matplotlib is missing: no plot", file=sys.stderr)
    print(
        "\n"
        + table(results)
        + "\n\n"
        + action_table(results)
        + "\n\n"
        + targets_table(results["target_checks"])
    )
    print(f"\nresults: {args.out / 'bench.json'}, {args.out / 'latency.png'} ({results['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
