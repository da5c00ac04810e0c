"""What the benchmark sends and how it measures one configuration (a bot, a number of replicas).

A workload makes conversations: lists of turns, each a request body (without the sender) and a
turn key. :func:`bench_configuration` starts the stack (:class:`tests.harness.stack.Stack`),
labels every turn key "action" or "answer" once (:func:`calibrate`), then runs each load level:
virtual users in a closed loop, or pausing between turns in the paced runs (:func:`measure`).
It reads the action server's times from nginx's access log and the memory of every process
from /proc, and prints progress (counts and timings, never message text).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Protocol, Sequence, Tuple

import aiohttp

from assistant.evaluation.nlu import load_examples
from tests.harness.bench.report import Sample, percentiles, summarise
from tests.harness.stack import ROOT, Stack, post_json

Payload = Dict[str, Any]
Turn = Tuple[Payload, str]  # (request body without the sender, turn key)


class Workload(Protocol):
    """A bot's conversations: ``name`` is the bot ("assistant" or "minimal")."""

    name: str

    def conversation(self, rng: random.Random, serial: str) -> List[Turn]:
        """One conversation; ``serial`` makes what must be unique (an email address) unique."""
        ...

    def calibration(self) -> List[List[Turn]]:
        """Conversations that contain every turn key at least once."""
        ...


@dataclass(frozen=True)
class Load:
    """How long and how hard each level runs (the command-line options of scripts/bench.py)."""

    duration: float  # measured seconds per closed-loop level
    warmup: float  # unmeasured seconds before each level
    levels: Sequence[int]  # concurrent conversations, closed loop
    think: float  # pause between a reply and the next turn in the closed-loop levels (s)
    paced_levels: Sequence[int]  # concurrent conversations of the assistant's paced runs
    paced_think: float  # mean pause between turns in the paced runs (s, ±50%)
    paced_duration: float  # measured seconds of each paced run


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
        """Page questions: ``pool_size`` of the held-out set's, spread evenly over it."""
        examples = load_examples(ROOT / "tests" / "nlu" / "heldout.yml")
        page = [text for text, label in examples if label.startswith("faq/")]
        step = max(len(page) // pool_size, 1)
        self.questions = page[::step][:pool_size]

    def conversation(self, rng: random.Random, serial: str) -> List[Turn]:
        """A page visit (the opening, three questions, thanks), a reflection or an enquiry."""
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
        pages: List[List[Turn]] = [
            [({"start": True}, "open"), ({"message": q}, f"q:{i}")] for i, q in enumerate(self.questions)
        ]
        pages[0].append(({"message": "thanks, that helps"}, "thanks"))
        rng = random.Random(0)
        scripted: List[List[Turn]] = []
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
        """The six texts, in order."""
        return [({"message": self.texts[i]}, f"minimal:{i}") for i in range(len(self.texts))]

    def calibration(self) -> List[List[Turn]]:
        """One conversation: it has every turn key."""
        return [self.conversation(random.Random(0), "calibration")]


# -- measuring ------------------------------------------------------------------------------


def access_log_lines(stack: Stack) -> List[str]:
    """nginx's access log so far, one request a line."""
    log = stack.workdir / "nginx" / "access.log"
    return log.read_text().splitlines() if log.exists() else []


def action_calls(stack: Stack) -> int:
    """How many calls nginx has passed to the action server so far."""
    return sum(1 for line in access_log_lines(stack) if " /webhook " in line)


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


def memory(stack: Stack) -> Dict[str, Dict[str, float]]:
    """Peak and current resident memory of every service's processes (MB)."""
    return {name: service.memory() for name, service in stack.services.items()}


def calibrate(stack: Stack, workload: Workload) -> Dict[str, str]:
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
    workload: Workload,
    user: int,
    deadline: float,
    think: float,
    samples: List[Sample],
) -> None:
    """One visitor: conversation after conversation until ``deadline``, each turn timed into
    ``samples``; a turn that fails ends its conversation."""
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
    url: str, workload: Workload, users: int, duration: float, warmup: float, think: float
) -> Tuple[List[Sample], float, float]:
    """``users`` virtual users for ``warmup`` + ``duration`` seconds: the samples and the
    measured window (start, end) in ``perf_counter`` seconds."""
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


def measure(
    stack: Stack,
    url: str,
    workload: Workload,
    users: int,
    think: float,
    kinds: Dict[str, str],
    load: Load,
    duration: float | None = None,
) -> Dict[str, Any]:
    """One load level: reply times from the client, action server times from nginx's log."""
    mark = len(access_log_lines(stack))
    samples, window_start, window_end = asyncio.run(
        run_load(url, workload, users, duration or load.duration, load.warmup, think)
    )
    summary: Dict[str, Any] = {
        "conversations": users,
        "think_s": think,
        "duration_s": duration or load.duration,
    }
    summary.update(summarise(samples, window_start, window_end, kinds))
    summary["action_server_ms"] = action_server_times(access_log_lines(stack)[mark:])
    summary["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return summary


def bench_configuration(
    workload: Workload,
    replicas: int,
    load: Load,
    project: Path,
    model: Path,
    kinds: Dict[str, str] | None,
) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """One bot on ``replicas`` Rasa replicas: cold start, every level, memory. Returns the run's
    results and the turn kinds (measured here when ``kinds`` is None, for the next run)."""
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
        for users in load.levels:
            summary = measure(stack, url, workload, users, load.think, kinds, load)
            levels.append(summary)
            print(
                f"   {users:>3} conversations: {summary['msgs_per_s']:.1f} msg/s, p50 {summary['p50_ms']} ms, "
                f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, errors {summary['errors']}/{summary['messages']} "
                f"{summary['error_kinds'] or ''}",
                flush=True,
            )
        paced = []
        if workload.name == "assistant":
            for users in load.paced_levels:
                summary = measure(
                    stack, url, workload, users, load.paced_think, kinds, load, load.paced_duration
                )
                paced.append(summary)
                action = summary["by_kind"]["action"]
                print(
                    f"   {users:>3} conversations, {load.paced_think:g} s between turns: "
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
