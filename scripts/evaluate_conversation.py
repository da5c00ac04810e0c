"""Score a question set or a conversation set against a running assistant (assistant.evaluation.conversation.py).

    python scripts/evaluate_conversation.py --url http://127.0.0.1:5005 tests/answers/blind_a.yml
    python scripts/evaluate_conversation.py --url http://127.0.0.1:5005 tests/conversations/blind_a.yml

Prints the figures and every miss, writes them to reports/<set>.json, and exits 1 when
``--min`` (the share of fitting answers, or of conversations passed) is not reached.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.conversation import (  # noqa: E402
    ReplyReader,
    Send,
    question_figures,
    run_conversation,
    run_questions,
)


def http_sender(base_url: str, timeout: float = 30.0) -> Send:
    """Post each message to the REST channel as a visitor would."""
    import requests

    def send(sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
        )
        response.raise_for_status()
        return list(response.json())

    return send


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--min", type=float, default=0.0)
    args = parser.parse_args()
    data = yaml.safe_load(args.path.read_text(encoding="utf-8"))
    send = http_sender(args.url)
    reader = ReplyReader()
    report_path = ROOT / "reports" / f"{args.path.parent.name}_{args.path.stem}.json"
    report_path.parent.mkdir(exist_ok=True)
    if "questions" in data:
        results = run_questions(send, reader, data["questions"])
        figures = question_figures(results)
        misses = [
            {"text": r.text, "expect": r.expect, "got": [f"{x.kind}:{x.name}" for x in r.labels]}
            for r in results
            if not r.fitting
        ]
        score = figures["fitting"]
    else:
        conversations = [run_conversation(send, reader, c) for c in data["conversations"]]
        turns = [t for c in conversations for t in c.turns]
        figures = {
            "conversations": len(conversations),
            "passed": sum(c.passed for c in conversations) / max(len(conversations), 1),
            "turns": len(turns),
            "turns_passed": sum(t.passed for t in turns) / max(len(turns), 1),
        }
        misses = [
            {
                "name": c.name,
                "user": t.user,
                "expect": t.expect,
                "got": [f"{x.kind}:{x.name}" for x in t.labels],
            }
            for c in conversations
            for t in c.turns
            if not t.passed
        ]
        score = figures["passed"]
    report_path.write_text(json.dumps({"figures": figures, "misses": misses}, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))
    print(f"{len(misses)} misses (details in {report_path.relative_to(ROOT)})")
    return 0 if score >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
