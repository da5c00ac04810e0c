"""Benchmark (make bench): the assistant on Rasa's scale-out architecture against a minimal Rasa bot.

For each bot (this assistant, and a minimal Rasa bot trained here in a temporary directory from
tests/harness/bench/minimal_bot/: two intents, a tokenizer, one featurizer, DIET and the rule
policy, the floor Rasa itself sets on this machine) and each number of Rasa replicas (1 and 2,
behind nginx, with the PostgreSQL tracker store and the Redis lock store; tests/harness/stack.py),
the load generator runs 1, 10 and 50 virtual users. Each virtual user holds one conversation at
a time and sends its turns one after another with no pause (closed loop), then starts a new one.
The assistant's conversations are a realistic mix: page visits (the opening, three page
questions from the held-out set, thanks), a guided reflection (intro, begin, three
answers, stop) and an enquiry (the whole form to "Send it", stored in PostgreSQL).

A closed loop saturates the machine from about 10 users on, so the assistant also runs
paced: 10 users pausing about 3 s (±50%) between a reply and their next message, a busy
but human rhythm, for the reply time of turns that run a custom action.

Before the load, the processes `make run` keeps running (Rasa, the action server, the enquiry
worker, the web front; SQLite and a local mail folder) are started alone, warmed up with the
calibration conversations (every page question of the pool, a reflection, an enquiry), and
each one's resident memory is read (tests/harness/bench/footprint.py).

Reported per configuration: p50/p95/p99 reply time, messages per second, errors, peak
resident memory per process (VmHWM from /proc), cold start to first answer per replica,
the action server's share of custom-action turns (from nginx's log), and the training
times (the minimal bot's measured here; the assistant's from the last "trained ... in N s"
line of --train-log, or timed from scratch with --time-assistant-training). Turns are
labelled "action" when they call the action server and "answer" otherwise, measured once
before the load (each turn sent alone, counting the action server calls in nginx's access
log). Results: results/bench/bench.json, results/bench/latency.png and a markdown table on
stdout. Prints no message text.

This file is the command line only. The parts are in tests/harness/bench/: workload.py (the
conversations, the load and its measurement), footprint.py (memory of `make run`), report.py (percentiles, tables, target checks),
plot.py (the figure), training.py and minimal.py (training times, the minimal bot).

Usage: python scripts/bench.py [--duration 30] [--warmup 5] [--levels 1,10,50] [--replicas 1,2]
           [--bots assistant,minimal] [--paced-levels 10] [--paced-think 3] [--paced-duration 60]
           [--no-footprint]
A full run takes about 12 minutes on 2 cores; --duration 10 --paced-duration 20 about 6.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import urllib.error
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness.bench import footprint, report  # noqa: E402
from tests.harness.bench.minimal import make_minimal_bot, minimal_model  # noqa: E402
from tests.harness.bench.plot import plot  # noqa: E402
from tests.harness.bench.training import assistant_training  # noqa: E402
from tests.harness.bench.workload import (  # noqa: E402
    AssistantWorkload,
    Load,
    MinimalWorkload,
    Workload,
    bench_configuration,
)
from tests.harness.stack import StackError  # noqa: E402


def numbers(text: str) -> List[int]:
    """``"1,10,50"`` as ``[1, 10, 50]``."""
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
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
    parser.add_argument(
        "--no-footprint", action="store_true", help="skip the memory of `make run`'s processes"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    load = Load(
        duration=args.duration,
        warmup=args.warmup,
        levels=numbers(args.levels),
        think=args.think,
        paced_levels=numbers(args.paced_levels),
        paced_think=args.paced_think,
        paced_duration=args.paced_duration,
    )
    replica_counts = numbers(args.replicas)
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
            "duration_s": load.duration,
            "warmup_s": load.warmup,
            "levels": load.levels,
            "replicas": replica_counts,
            "think_s": load.think,
            "paced_levels": load.paced_levels,
            "paced_think_s": load.paced_think,
            "paced_duration_s": load.paced_duration,
            "model": str(args.model),
        },
        "targets": report.TARGETS,
        "runs": [],
    }
    training: Dict[str, Any] = {"assistant_s": None, "assistant_source": "", "minimal_s": None}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch_dir = Path(scratch)
        try:
            if args.time_assistant_training:
                print("training the assistant from scratch to time it...", flush=True)
            training["assistant_s"], training["assistant_source"] = assistant_training(
                scratch_dir, args.time_assistant_training, args.train_log
            )
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
            if "assistant" in bots and not args.no_footprint:
                print("memory of make run's processes after a warm-up...", flush=True)
                results["footprint"] = footprint.measure(model_copy)
                print(f"   {results['footprint']['total_rss_mb']:.0f} MB in all", flush=True)
            for bot in bots:
                workload: Workload = AssistantWorkload() if bot == "assistant" else MinimalWorkload()
                project = ROOT if bot == "assistant" else minimal_dir
                model = model_copy if bot == "assistant" else minimal_model(minimal_dir)
                kinds: Dict[str, str] | None = None
                for replicas in replica_counts:
                    run, kinds = bench_configuration(workload, replicas, load, project, model, kinds)
                    results["runs"].append(run)
        except (StackError, urllib.error.URLError, OSError) as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 1
    results["duration_s"] = round(time.monotonic() - started, 1)
    results["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["target_checks"] = report.targets(results)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    try:
        plot(results, args.out / "latency.png")
    except ImportError:
        print("matplotlib is missing: no plot", file=sys.stderr)
    print("\n" + report.text(results))
    print(f"\nresults: {args.out / 'bench.json'}, {args.out / 'latency.png'} ({results['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
