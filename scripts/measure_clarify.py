"""Choose when to ask "Did you mean ...?": a table of clarify thresholds on the held-out page questions.

For every held-out page question the classifier sends to a section (intent ``faq``), the
selector's ranking gives the best section's confidence and the gap to the next ones. For
each (clarify_below, clarify_margin) pair the table shows how many questions would be
asked to clarify, how many of those offer the right section, and the share that then
gets a fitting reply (the right answer, or a clarifying question offering it), against
answering the best section every time. The chosen pair is in config.yml
(RetrievalConfidenceGate) and the README, "How answers are chosen".

Usage: python scripts/measure_clarify.py [--model models/assistant.tar.gz] [--data tests/nlu/heldout.yml]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.nlu import load_examples, quiet_logging  # noqa: E402

Row = Tuple[str, List[Tuple[str, float]]]


async def rankings(model: Path, examples: List[Tuple[str, str]]) -> List[Row]:
    from rasa.core.agent import Agent

    from assistant.nlu.retrieval_gate import ranked_sections

    quiet_logging()
    agent = Agent.load(str(model))
    rows: List[Row] = []
    for text, label in examples:
        if not label.startswith("faq/"):
            continue
        parse = await agent.parse_message(text)
        if (parse.get("intent") or {}).get("name") != "faq":
            continue
        rows.append((label[4:], ranked_sections(parse.get("response_selector") or {}, "faq")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/assistant.tar.gz")
    parser.add_argument("--data", default="tests/nlu/heldout.yml")
    args = parser.parse_args()
    rows = asyncio.run(rankings(ROOT / args.model, load_examples(ROOT / args.data)))
    n = len(rows)
    top1 = sum(1 for label, ranking in rows if ranking and ranking[0][0] == label)
    print(f"{n} page questions sent to a section; best section right: {top1 / n:.1%}")
    print("below  margin  asked  right-among-choices  wrong-answers-avoided  fitting")
    for below in (0.0, 0.5, 0.6, 0.7, 0.8):
        for margin in (0.1, 0.2, 0.3, 0.4):
            asked = right_offered = avoided = fitting = 0
            for label, ranking in rows:
                best = ranking[0][1] if ranking else 0.0
                close = [s for s, c in ranking[:3] if best - c <= margin] if best < below else []
                if len(close) >= 2:
                    asked += 1
                    right_offered += label in close
                    avoided += ranking[0][0] != label and label in close
                    fitting += label in close
                else:
                    fitting += bool(ranking) and ranking[0][0] == label
            print(
                f"{below:5.2f}  {margin:6.2f}  {asked:5d}  {right_offered:19d}  {avoided:21d}  {fitting / n:7.1%}"
            )
            if below == 0.0:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
