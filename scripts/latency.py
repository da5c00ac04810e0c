"""Reply time of N sequential questions against a running assistant (default 100).

Questions are drawn in order from tests/nlu/heldout.yml (page questions and the
rest), each in its own conversation so no state carries over.

Usage: python scripts/latency.py [--url http://127.0.0.1:5005] [-n 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.nlu import load_examples  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("-n", type=int, default=100)
    args = parser.parse_args(argv)

    questions = [text for text, _ in load_examples(ROOT / "tests" / "nlu" / "heldout.yml")]
    step = max(len(questions) // args.n, 1)
    sample = questions[::step][: args.n]
    timings = []
    with requests.Session() as session:
        for text in sample:
            started = time.perf_counter()
            reply = session.post(
                f"{args.url}/webhooks/rest/webhook",
                json={"sender": uuid.uuid4().hex, "message": text},
                timeout=30,
            )
            reply.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(int(round(0.95 * len(timings))) - 1, 0)]
    print(
        f"{len(timings)} sequential questions: median {statistics.median(timings):.0f} ms, "
        f"p95 {p95:.0f} ms, max {timings[-1]:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
