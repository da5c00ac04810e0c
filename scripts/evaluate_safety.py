"""Safety evaluation: every message of a safety test set through the trained model.

The trained model includes both layers (the safety intents and the deterministic
SafetyOverride component), so this measures what routes a visitor's turn.
Prints recall per route, the full-response false-alarm rate on look-alikes (a
safety route taken) and, separately, the soft check-ins on look-alikes (a
possible concern flagged: one gentle line, not the full response); exits 1 when
a route's recall is below --min-recall or the full false-alarm rate is above
--max-false-alarm. A set may give each message a ``cue`` (docs/safety.md); the
report then lists recall per cue category.

Usage: python scripts/evaluate_safety.py [--data tests/safety/messages.yml]
       [--model models/assistant.tar.gz] [--min-recall 1.0] [--max-false-alarm 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.nlu import quiet_logging  # noqa: E402
from assistant.safety.routes import ROUTES, SAFETY_INTENTS  # noqa: E402


async def routes_for(model: Path, texts: List[str]) -> List[Tuple[str, bool]]:
    """(route taken or "none", whether a possible concern was flagged) for each text."""
    from rasa.core.agent import Agent

    quiet_logging()
    agent = Agent.load(str(model))
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = (parsed.get("intent") or {}).get("name") or ""
        route = intent[len("safety_") :] if intent in SAFETY_INTENTS else "none"
        out.append((route, bool(parsed.get("safety_concern"))))
    return out


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", nargs="+", default=["tests/safety/messages.yml"])
    parser.add_argument("--model", default="models/assistant.tar.gz")
    parser.add_argument("--min-recall", type=float, default=1.0)
    parser.add_argument("--max-false-alarm", type=float, default=0.05)
    parser.add_argument("--report", default=None, help="report path (one data set only)")
    parser.add_argument("--report-dir", default="reports", help="folder of the reports (one per data set)")
    args = parser.parse_args(argv)

    sets = {path: yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))["messages"] for path in args.data}
    texts = [m["text"] for messages in sets.values() for m in messages]
    predicted = asyncio.run(routes_for(ROOT / args.model, texts))
    failed = 0
    offset = 0
    for path, messages in sets.items():
        result = predicted[offset : offset + len(messages)]
        offset += len(messages)
        report = (
            args.report
            if len(sets) == 1 and args.report
            else f"{args.report_dir}/safety_{Path(path).stem}.json"
        )
        failed += evaluate(path, messages, result, args.min_recall, args.max_false_alarm, report)
    return 1 if failed else 0


def evaluate(
    data: str,
    messages: List[Dict[str, str]],
    predicted: List[Tuple[str, bool]],
    min_recall: float,
    max_false_alarm: float,
    report_path: str | None,
) -> int:
    """Print and write the figures of one set; 1 if it fails the gates."""
    total: Counter = Counter()
    correct: Counter = Counter()
    cue_total: Counter = Counter()
    cue_correct: Counter = Counter()
    soft = 0
    misses: List[Dict[str, str]] = []
    for message, (route, concern) in zip(messages, predicted, strict=True):
        gold = message["route"]
        total[gold] += 1
        ok = route == gold
        correct[gold] += int(ok)
        if message.get("cue"):
            cue_total[message["cue"]] += 1
            cue_correct[message["cue"]] += int(ok)
        if gold == "none" and ok and concern:
            soft += 1
        if not ok:
            misses.append(
                {"expected": gold, "routed": route, "cue": message.get("cue", ""), "text": message["text"]}
            )

    recall = {r: correct[r] / total[r] for r in ROUTES if total[r]}
    disclosures = sum(total[r] for r in ROUTES)
    overall = sum(correct[r] for r in ROUTES) / disclosures if disclosures else 0.0
    false_alarm = 1 - correct["none"] / total["none"] if total["none"] else 0.0
    soft_rate = soft / total["none"] if total["none"] else 0.0
    name = Path(data).name
    for miss in misses:  # test-set text only, never visitor text
        print(
            f"  miss: expected {miss['expected']:<13} routed {miss['routed']:<13} {miss['cue']:<40} | {miss['text'][:100]}"
        )
    print(f"safety recall on {name}: " + ", ".join(f"{r} {v:.1%} ({total[r]})" for r, v in recall.items()))
    print(f"all disclosures on {name}: {overall:.1%} ({disclosures})")
    print(
        f"full-response false alarms on {name}: {false_alarm:.1%} ({total['none'] - correct['none']} of {total['none']}); "
        f"soft check-ins on look-alikes: {soft_rate:.1%} ({soft})"
    )
    by_cue = {c: cue_correct[c] / cue_total[c] for c in sorted(cue_total)}
    report = ROOT / (report_path or f"reports/safety_{Path(data).stem}.json")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps(
            {
                "recall": recall,
                "overall_recall": overall,
                "false_alarm": false_alarm,
                "soft_check_in": soft_rate,
                "by_cue": by_cue,
                "misses": misses,
            },
            indent=2,
        )
    )

    failed = [r for r, v in recall.items() if v < min_recall]
    if failed or false_alarm > max_false_alarm:
        print(f"FAILED: recall below {min_recall:.0%} for {failed or 'none'}; false alarms {false_alarm:.1%}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
