"""The benchmark's figures: from timed turns and the results dict to percentiles, tables and targets.

Pure functions: they read what they are given and return numbers or markdown, and write nothing.
The results dict is the one ``scripts/bench.py`` saves as results/bench/bench.json (``runs``,
each with its ``levels`` and ``paced`` summaries, ``memory_mb`` and ``cold_start_s``;
``training``; and ``footprint``, the memory of each process ``make run`` keeps running).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence

import numpy as np

# What the assistant is held to on this 2-core machine (README "Scale-out and benchmark").
TARGETS = {
    "action_p95_ms_at_10": 150.0,  # 10 conversations pausing about 3 s between turns
    "action_p95_ms_closed_loop": 300.0,  # 10 conversations that never pause
    "answer_p50_ratio_to_minimal": 1.3,
    "msgs_per_s_2_replicas": 50.0,
    "make_run_rss_mb": 1500.0,  # everything `make run` keeps running, after the warm-up
    "cold_start_s": 20.0,
}


@dataclass
class Sample:
    """One turn as the load generator timed it (``perf_counter`` seconds, reply time in ms)."""

    started: float
    finished: float
    ms: float
    key: str
    ok: bool
    error: str = ""


def percentiles(values: Sequence[float]) -> Dict[str, float | None]:
    """How many values, and their p50, p95 and p99 to 0.1 (all None when there are none)."""
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
    """One load level: turns started in the window, the rate of good replies finished in it, and
    the reply times, overall and for "answer" and "action" turns (``kinds`` by turn key)."""
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


def level(run: Dict[str, Any], users: int) -> Dict[str, Any] | None:
    """The closed-loop level of ``run`` with ``users`` conversations, if it was measured."""
    return next((lv for lv in run["levels"] if lv["conversations"] == users), None)


def rasa_peak(run: Dict[str, Any]) -> float:
    """The largest peak resident memory of one Rasa process in ``run`` (MB)."""
    return max(v["peak_rss_mb"] for k, v in run["memory_mb"].items() if k.startswith("rasa"))


def fmt(value: Any, unit: str = "") -> str:
    """A figure for a table: whole numbers from 10 up, one decimal below, "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}{unit}" if value >= 10 else f"{value:.1f}{unit}"
    return f"{value}{unit}"


def table(results: Dict[str, Any]) -> str:
    """Every closed-loop level of every run, one row each, and the training times below."""
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
    """Each target of ``TARGETS`` against the runs: what was measured and whether it was met
    (``met`` is None when the runs needed were not part of this benchmark)."""
    runs = {(r["bot"], r["replicas"]): r for r in results["runs"]}
    checks: List[Dict[str, Any]] = []

    def add(name: str, measured: float | None, limit: float, ok: bool | None, note: str = "") -> None:
        checks.append({"target": name, "measured": measured, "limit": limit, "met": ok, "note": note})

    for replicas in (1, 2):
        run = runs.get(("assistant", replicas))
        modes = [
            ("no pause between turns", level(run, 10) if run else None, TARGETS["action_p95_ms_closed_loop"])
        ]
        paced = next((p for p in run.get("paced", []) if p["conversations"] == 10), None) if run else None
        if paced:
            modes.append((f"{paced['think_s']:g} s between turns", paced, TARGETS["action_p95_ms_at_10"]))
        for mode, lv, limit in modes:
            value = lv["by_kind"]["action"]["p95_ms"] if lv else None
            add(
                f"p95 of custom-action turns, 10 conversations, {mode}, {replicas} replica(s) (ms)",
                value,
                limit,
                None if value is None else value <= limit,
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
    footprint = results.get("footprint")
    total = footprint["total_rss_mb"] if footprint else None
    add(
        "resident memory of everything `make run` keeps running, after the warm-up (MB)",
        total,
        TARGETS["make_run_rss_mb"],
        None if total is None else total <= TARGETS["make_run_rss_mb"],
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


def footprint_table(results: Dict[str, Any]) -> str:
    """Each process `make run` keeps running: resident memory after the warm-up, and its peak."""
    footprint = results.get("footprint")
    if not footprint:
        return "Memory of `make run`'s processes: not measured."
    lines = ["| process (`make run`) | resident after warm-up | peak |", "| --- | --- | --- |"]
    for name, memory in footprint["processes"].items():
        lines.append(f"| {name} | {memory['rss_mb']:.0f} MB | {memory['peak_rss_mb']:.0f} MB |")
    lines.append(f"| all | {footprint['total_rss_mb']:.0f} MB | |")
    return "\n".join(lines)


def targets_table(checks: List[Dict[str, Any]]) -> str:
    """The target checks as a markdown table ("not measured" where ``met`` is None)."""
    lines = ["| target | limit | measured | met |", "| --- | --- | --- | --- |"]
    for check in checks:
        met = {True: "yes", False: "**no**", None: "not measured"}[check["met"]]
        lines.append(f"| {check['target']} | {check['limit']:g} | {fmt(check['measured'])} | {met} |")
    return "\n".join(lines)


def text(results: Dict[str, Any]) -> str:
    """The tables printed at the end of a run: all levels, custom-action turns, memory, targets."""
    return "\n\n".join(
        [
            table(results),
            action_table(results),
            footprint_table(results),
            targets_table(results["target_checks"]),
        ]
    )
