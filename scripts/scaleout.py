"""Scale-out check: two Rasa replicas behind nginx share one conversation state and order.

Starts (tests/harness/stack.py) a throwaway PostgreSQL and Redis, the action server, two Rasa
replicas with the same model, TRACKER_DB_URL and REDIS_URL on different ports, and nginx
(deploy/nginx.conf) in front, then proves:

1. State follows the conversation, not the replica. Three scripted conversations (an
   enquiry form with the summary of what was typed, a guided reflection, an under-18
   disclosure followed by a contact request) are sent turn by turn alternately to replica
   A, replica B and nginx, and each reply must equal the reply of the same conversation
   held entirely on replica A. At least a few of the replies B or nginx gave must differ
   from what a brand-new conversation gets for the same text, so they could only come
   from the state written by the other replica.
2. Messages of one conversation are processed one after another. N page questions for one
   sender are fired at once at A, B and nginx; every request must succeed, and in
   PostgreSQL every visitor message must be followed by its own bot replies and the
   ``action_listen`` that ends the turn before the next visitor message, with the replies
   each request got back stored right after its message. Redis must have been used.
3. nginx spread requests over both replicas.

Run by scripts/scaleout_test.sh (which also cleans up if this process is killed). Prints
only ids, counts and timings, never message text. Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness.stack import Stack, StackError  # noqa: E402

Reply = List[Dict[str, Any]]

# (text, where): "a", "b" = the replicas directly, "n" = through nginx.
ENQUIRY = [
    ("Send an enquiry", "a"),
    ("Sam", "b"),
    ("By email", "n"),
    ("sam@example.com", "a"),
    ("Just me", "b"),
    ("weekday evenings", "n"),
    ("skip", "a"),
    ("Yes, I agree", "b"),  # the summary: every detail typed on A, B and nginx
    ("cancel", "n"),
]
REFLECTION = [
    ("I'd like to reflect", "b"),
    ("Yes, let's begin", "a"),
    ("usually late at night when I'm bored and lonely", "n"),
    ("skip", "b"),
    ("a rush and then I feel empty", "a"),
    ("stop", "b"),
]
UNDER_18 = [
    ("hello", "a"),
    ("I'm 16", "a"),
    # The under-18 flag set on A must hold on B and through nginx: contact, the enquiry and
    # the reflection are refused for the rest of the conversation.
    ("Send an enquiry", "b"),
    ("I'd like to reflect", "n"),
    ("how do I get in touch", "b"),
]
CONCURRENT_QUESTIONS = [
    "what exactly is compulsive interactive online sexual behaviour",
    "how is sexting different from porn",
    "what does dopamine have to do with it",
    "what kinds of therapy does Tim use",
    "what does therapy focus on",
    "is this an addiction",
    "what does healing look like",
    "Which platforms are we talking about here?",
    "does this include dating apps like tinder and grindr",
    "how much does a session with Tim cost?",
    "can I get medication for this",
    "is Tim BACP accredited",
]


class CheckFailed(AssertionError):
    """A scale-out property does not hold."""


def send(base: str, sender: str, text: str, timeout: float = 60) -> Reply:
    response = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )
    if response.status_code != 200:
        raise CheckFailed(f"HTTP {response.status_code} from {base} for sender {sender}")
    body = response.json()
    if not isinstance(body, list):
        raise CheckFailed(f"unexpected reply shape from {base}")
    return body


def normalised(reply: Reply) -> str:
    """A reply without the recipient id (which differs between conversations)."""
    return json.dumps([{k: v for k, v in m.items() if k != "recipient_id"} for m in reply], sort_keys=True)


def check_state_follows_conversation(
    stack: Stack, name: str, script: Sequence[Tuple[str, str]]
) -> Dict[str, Any]:
    targets = {"a": stack.rasa_url("rasa-a"), "b": stack.rasa_url("rasa-b"), "n": stack.nginx_url}
    reference_sender, mixed_sender = f"ref-{uuid.uuid4().hex}", f"mix-{uuid.uuid4().hex}"
    reference = [normalised(send(targets["a"], reference_sender, text)) for text, _ in script]
    mixed = [normalised(send(targets[where], mixed_sender, text)) for text, where in script]
    for index, (expected, got) in enumerate(zip(reference, mixed, strict=True)):
        if expected != got:
            raise CheckFailed(
                f"{name}: turn {index + 1} (sent to {script[index][1]}) differs from one replica's"
            )
    # Replies on B or nginx that a new conversation would not get: proof the state was shared.
    informative = 0
    for index, (text, where) in enumerate(script):
        if index == 0 or where == "a":
            continue
        fresh = normalised(send(targets["a"], f"fresh-{uuid.uuid4().hex}", text))
        informative += fresh != mixed[index]
    if informative < 2:
        raise CheckFailed(f"{name}: only {informative} turns on B/nginx depended on earlier turns")
    if any(reply == "[]" for reply in mixed):
        raise CheckFailed(f"{name}: an empty reply")
    return {"turns": len(script), "turns_depending_on_other_replica": informative}


def stored_events(stack: Stack, sender: str) -> List[Dict[str, Any]]:
    import psycopg2

    connection = psycopg2.connect(
        host="127.0.0.1", port=stack.pg_port, user="postgres", dbname="tracker", connect_timeout=5
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(row[0]) for row in cursor.fetchall()]
    finally:
        connection.close()


def redis_commands(stack: Stack) -> int:
    import redis

    return int(redis.Redis(host="127.0.0.1", port=stack.redis_port).info("stats")["total_commands_processed"])


def check_concurrent_order(stack: Stack, count: int) -> Dict[str, Any]:
    sender = f"conc-{uuid.uuid4().hex}"
    targets = [stack.rasa_url("rasa-a"), stack.rasa_url("rasa-b"), stack.nginx_url]
    # Open the conversation first so every concurrent message lands in one session.
    send(targets[0], sender, "hello")
    questions = [CONCURRENT_QUESTIONS[i % len(CONCURRENT_QUESTIONS)] for i in range(count)]
    questions = [f"{q} ({i + 1})" if i >= len(CONCURRENT_QUESTIONS) else q for i, q in enumerate(questions)]
    redis_before = redis_commands(stack)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [
            pool.submit(send, targets[i % len(targets)], sender, q, 120) for i, q in enumerate(questions)
        ]
        replies = [future.result() for future in futures]  # raises on any HTTP error
    elapsed = time.monotonic() - started
    redis_used = redis_commands(stack) - redis_before

    events = stored_events(stack, sender)
    first_user = next(i for i, e in enumerate(events) if e["event"] == "user")
    turns: List[List[Dict[str, Any]]] = []
    for event in events[first_user:]:
        if event["event"] == "user":
            turns.append([event])
        else:
            turns[-1].append(event)
    turns = turns[1:]  # the opening "hello"
    if len(turns) != count:
        raise CheckFailed(f"{len(turns)} visitor messages stored, {count} sent")
    by_text = {q: normalised(r) for q, r in zip(questions, replies, strict=True)}
    redacted = 0
    for index, turn in enumerate(turns):
        text = turn[0].get("text")
        actions = [e.get("name") for e in turn if e["event"] == "action"]
        bots = [e for e in turn if e["event"] == "bot"]
        if not bots:
            raise CheckFailed(f"stored message {index + 1} has no bot reply before the next message")
        if not actions or actions[-1] != "action_listen":
            raise CheckFailed(f"stored message {index + 1} was interrupted by the next one")
        if text == "":
            redacted += 1  # stored without its words (a possible concern or a safety turn)
            continue
        if text not in by_text:
            raise CheckFailed(f"stored message {index + 1} is not one of those sent (or stored twice)")
        stored_reply = [{"text": b.get("text")} for b in bots]
        sent_reply = [{"text": m.get("text")} for m in json.loads(by_text.pop(text))]
        if stored_reply != sent_reply:
            raise CheckFailed(
                f"stored message {index + 1}: the replies stored after it are not the ones it got"
            )
    if len(by_text) != redacted:
        raise CheckFailed(f"{len(by_text) - redacted} messages missing from the stored conversation")
    if redis_used < count:
        raise CheckFailed(f"the lock store did not use Redis ({redis_used} commands)")
    return {"messages": count, "seconds": round(elapsed, 1), "redis_commands": redis_used}


def check_nginx_spread(stack: Stack) -> Dict[str, Any]:
    log = stack.workdir / "nginx" / "access.log"
    ports = {str(stack.rasa_ports[name]): name for name in stack.rasa_ports}
    seen: Dict[str, int] = {}
    for line in log.read_text().splitlines():
        if "/webhooks/rest/webhook" not in line:
            continue
        match = re.search(r"127\.0\.0\.1:(\d+)", line.split("/webhooks/rest/webhook", 1)[1])
        if match and match.group(1) in ports:
            seen[ports[match.group(1)]] = seen.get(ports[match.group(1)], 0) + 1
    if len(seen) < 2:
        raise CheckFailed(f"nginx sent every chat request to one replica: {seen}")
    return seen


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--concurrent", type=int, default=24, help="messages fired at once (default 24)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the concurrency check (default 3)")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    parser.add_argument(
        "--lock-store",
        choices=["env", "memory", "rasa-redis"],
        default="env",
        help="env: endpoints.yml as shipped (default); control runs: memory (each replica its own "
        "locks) or rasa-redis (Rasa 3.6's plain RedisLockStore); the ordering check may fail on those",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    results: Dict[str, Any] = {}
    try:
        with Stack(model=args.model, keep=args.keep, lock_store=args.lock_store) as stack:
            print(
                f"starting PostgreSQL, Redis, the action server, 2 Rasa replicas and nginx in {stack.workdir}"
            )
            cold = stack.start(replicas=2)
            results["cold_start_s"] = {name: round(value, 1) for name, value in cold.items()}
            print(f"ready in {time.monotonic() - started:.0f} s (first answers: {results['cold_start_s']})")
            for name, script in (("enquiry", ENQUIRY), ("reflection", REFLECTION), ("under-18", UNDER_18)):
                results[name] = check_state_follows_conversation(stack, name, script)
                print(f"ok  {name}: alternating A/B/nginx matches one replica {results[name]}")
            for round_ in range(args.rounds):
                key = f"concurrent_{round_ + 1}"
                results[key] = check_concurrent_order(stack, args.concurrent)
                print(f"ok  concurrent messages processed in order, round {round_ + 1}: {results[key]}")
            results["nginx_spread"] = check_nginx_spread(stack)
            print(f"ok  nginx spread chat requests over both replicas: {results['nginx_spread']}")
    except (CheckFailed, StackError, requests.RequestException) as error:
        print(f"FAILED after {time.monotonic() - started:.0f} s: {error}", file=sys.stderr)
        return 1
    print(f"scale-out check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
