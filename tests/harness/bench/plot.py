"""The benchmark's figure: reply time and throughput against concurrent conversations."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from tests.harness.bench.report import TARGETS


def plot(results: Dict[str, Any], path: Path) -> None:
    """Draw p50 and p95 reply times and messages per second of every run into ``path`` (PNG).

    Raises ImportError when matplotlib is missing (it is imported here, not at import time).
    """
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
