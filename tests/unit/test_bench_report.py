"""The benchmark's report on hand-made results, and the minimal bot it compares the assistant with.

Nothing is started or trained: the results are written here, and the minimal bot's files
(tests/harness/bench/minimal_bot/) are only read.
"""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from rasa.shared.utils.io import read_yaml_file

from tests.harness.bench import minimal, report
from tests.harness.bench.report import TARGETS, Sample
from tests.harness.bench.workload import MinimalWorkload

MEMORY = "resident memory of everything `make run` keeps running, after the warm-up (MB)"

BOT_FILES = [
    "config.yml",
    "domain.yml",
    "data/nlu.yml",
    "data/rules.yml",
    "endpoints.yml",
    "credentials.yml",
]


def figures(p50: float | None, p95: float | None, p99: float | None = None) -> Dict[str, Any]:
    return {"n": 0 if p50 is None else 100, "p50_ms": p50, "p95_ms": p95, "p99_ms": p99}


def level(
    users: int, msgs_per_s: float, answer_p50: float, action_p95: float | None, think: float = 0.0
) -> Dict[str, Any]:
    """A level summary as ``measure`` makes it, with the figures the report reads."""
    return {
        "conversations": users,
        "think_s": think,
        "messages": 200,
        "errors": 1,
        "msgs_per_s": msgs_per_s,
        **figures(answer_p50, 300.0, 400.0),
        "by_kind": {
            "answer": figures(answer_p50, 90.0),
            "action": figures(None if action_p95 is None else 60.0, action_p95, action_p95),
        },
        "action_server_ms": figures(40.0, 70.0),
    }


def run(bot: str, replicas: int, levels: List[Dict[str, Any]], rss: float, cold: float) -> Dict[str, Any]:
    paced = [level(10, 3.2, 30.0, 120.0, think=3.0)] if bot == "assistant" else []
    return {
        "bot": bot,
        "replicas": replicas,
        "cold_start_s": {f"rasa-{chr(ord('a') + i)}": cold + i for i in range(replicas)},
        "levels": levels,
        "paced": paced,
        "memory_mb": {
            "nginx": {"peak_rss_mb": 5000.0},  # not Rasa: not counted
            **{f"rasa-{chr(ord('a') + i)}": {"peak_rss_mb": rss - i} for i in range(replicas)},
        },
    }


def results(
    assistant_p95_at_10: float = 140.0, assistant_rss: float = 1200.0, rasa_after_warm_up: float = 1100.0
) -> Dict[str, Any]:
    """Both bots on 1 and 2 replicas at 1 and 10 conversations; the assistant meets every target
    with the defaults."""
    runs = []
    for replicas in (1, 2):
        runs.append(
            run(
                "assistant",
                replicas,
                [level(1, 14.0, 30.0, 100.0), level(10, 30.0 * replicas, 38.0, assistant_p95_at_10)],
                assistant_rss,
                cold=20.0,
            )
        )
    for replicas in (1, 2):
        runs.append(
            run("minimal", replicas, [level(1, 50.0, 25.0, None), level(10, 60.0, 30.0, None)], 650.0, 9.0)
        )
    processes = {
        "worker": {"rss_mb": 50.0, "peak_rss_mb": 51.0},
        "actions": {"rss_mb": 200.0, "peak_rss_mb": 210.0},
        "rasa": {"rss_mb": rasa_after_warm_up, "peak_rss_mb": rasa_after_warm_up + 20},
        "web": {"rss_mb": 30.0, "peak_rss_mb": 30.0},
    }
    return {
        "runs": runs,
        "training": {"assistant_s": 250.0, "assistant_source": "last run in train.log", "minimal_s": 9.6},
        "footprint": {
            "processes": processes,
            "total_rss_mb": sum(p["rss_mb"] for p in processes.values()),
            "warm_up_turns": 60,
            "warm_up_s": 12.0,
        },
    }


# -- figures --------------------------------------------------------------------------------


def test_percentiles_of_known_values() -> None:
    assert report.percentiles([float(v) for v in range(101)]) == {
        "n": 101,
        "p50_ms": 50.0,
        "p95_ms": 95.0,
        "p99_ms": 99.0,
    }
    assert report.percentiles([12.34]) == {"n": 1, "p50_ms": 12.3, "p95_ms": 12.3, "p99_ms": 12.3}
    assert report.percentiles([]) == {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}


def test_summarise_counts_the_window_and_splits_the_turn_kinds() -> None:
    samples = [
        Sample(0.5, 1.5, 1000.0, "q:0", True),  # warm-up: not measured, but finished in the window
        Sample(2.0, 2.1, 100.0, "q:0", True),
        Sample(3.0, 3.2, 200.0, "enquiry:0", True),
        Sample(4.0, 4.3, 300.0, "enquiry:0", False, "HTTP 502"),
        Sample(10.5, 11.0, 500.0, "q:1", True),  # finished after the window
    ]
    summary = report.summarise(samples, 1.0, 11.0 - 0.5, {"q:0": "answer", "enquiry:0": "action"})
    assert summary["messages"] == 4
    assert summary["errors"] == 1
    assert summary["error_kinds"] == {"HTTP 502": 1}
    assert summary["msgs_per_s"] == round(3 / 9.5, 2)
    assert summary["n"] == 3
    assert summary["by_kind"]["action"] == {"n": 1, "p50_ms": 200.0, "p95_ms": 200.0, "p99_ms": 200.0}
    assert summary["by_kind"]["answer"]["n"] == 2  # a key never calibrated counts as an answer


def test_fmt_rounds_by_size_and_shows_a_dash_for_nothing() -> None:
    assert [report.fmt(v) for v in (None, 123.456, 9.87, 3)] == ["–", "123", "9.9", "3"]
    assert report.fmt(250.0, " s") == "250 s"


# -- tables ---------------------------------------------------------------------------------


def test_the_table_has_a_row_per_level_and_the_training_times() -> None:
    lines = report.table(results()).splitlines()
    rows = [line for line in lines if line.startswith("| assistant") or line.startswith("| minimal")]
    assert len(rows) == 8
    assert "| assistant | 2 | 10 | 60 | 38 | 300 | 400 | 1 of 200 | 38 | 140 | 1200 MB | 21.0 s |" in lines
    assert "| minimal | 1 | 1 | 50 | 25 | 300 | 400 | 1 of 200 | 25 | – | 650 MB | 9.0 s |" in lines
    assert lines[-1] == "Training: assistant 250 s (last run in train.log); minimal bot 9.6 s."


def test_the_action_table_has_the_assistants_closed_loop_and_paced_rows() -> None:
    lines = report.action_table(results()).splitlines()
    assert len(lines) == 2 + 4  # header, then per replica count: 10 conversations closed, paced
    assert "| 1 | 10 | none | 30 | 60 / 140 / 140 | 40 / 70 | 38 / 90 |" in lines
    assert "| 2 | 10 | 3 s (±50%) | 3.2 | 60 / 120 / 120 | 40 / 70 | 30 / 90 |" in lines


# -- targets --------------------------------------------------------------------------------


def verdicts(checks: List[Dict[str, Any]]) -> List[Tuple[str, Any, bool | None]]:
    return [(c["target"], c["measured"], c["met"]) for c in checks]


def test_every_target_is_met_by_a_good_run() -> None:
    checks = report.targets(results())
    assert len(checks) == 4 + 4 + 3
    assert all(c["met"] is True for c in checks), verdicts(checks)
    by_name = {c["target"]: c for c in checks}
    assert by_name["messages per second with 2 replicas (best level)"]["measured"] == 60.0
    assert by_name[MEMORY]["measured"] == 1380.0
    assert by_name["cold start to first answer, one replica (s)"]["measured"] == 20.0
    ratio = by_name["p50 of answer turns / minimal bot's, 1 replica(s), 10 conversation(s)"]
    assert ratio["measured"] == round(38.0 / 30.0, 2)
    assert ratio["limit"] == TARGETS["answer_p50_ratio_to_minimal"]


def test_slow_action_turns_and_too_much_memory_fail_their_targets() -> None:
    checks = report.targets(results(assistant_p95_at_10=400.0, rasa_after_warm_up=1900.0))
    failed = {c["target"] for c in checks if c["met"] is False}
    assert failed == {
        "p95 of custom-action turns, 10 conversations, no pause between turns, 1 replica(s) (ms)",
        "p95 of custom-action turns, 10 conversations, no pause between turns, 2 replica(s) (ms)",
        MEMORY,
    }
    table = report.targets_table(checks)
    assert f"| {MEMORY} | 1500 | 2180 | **no** |" in table.splitlines()


def test_closed_loop_and_paced_action_turns_have_their_own_limits() -> None:
    checks = {c["target"]: c for c in report.targets(results(assistant_p95_at_10=250.0))}
    closed = checks["p95 of custom-action turns, 10 conversations, no pause between turns, 2 replica(s) (ms)"]
    paced = checks["p95 of custom-action turns, 10 conversations, 3 s between turns, 2 replica(s) (ms)"]
    assert (closed["limit"], closed["met"]) == (300.0, True)
    assert (paced["limit"], paced["measured"], paced["met"]) == (150.0, 120.0, True)


def test_the_memory_table_lists_every_process_and_the_total() -> None:
    lines = report.footprint_table(results()).splitlines()
    assert lines[2:] == [
        "| worker | 50 MB | 51 MB |",
        "| actions | 200 MB | 210 MB |",
        "| rasa | 1100 MB | 1120 MB |",
        "| web | 30 MB | 30 MB |",
        "| all | 1380 MB | |",
    ]
    without = results()
    del without["footprint"]
    assert report.footprint_table(without) == "Memory of `make run`'s processes: not measured."
    assert next(c for c in report.targets(without) if c["target"] == MEMORY)["met"] is None


def test_a_target_without_its_runs_is_not_measured() -> None:
    only_assistant = results()
    only_assistant["runs"] = [r for r in only_assistant["runs"] if r["bot"] == "assistant"]
    checks = report.targets(only_assistant)
    unmeasured = [c for c in checks if c["met"] is None]
    assert len(unmeasured) == 4 and all(c["target"].startswith("p50 of answer turns") for c in unmeasured)
    assert report.targets_table(checks).count("| – | not measured |") == 4


def test_the_printed_text_holds_the_three_tables() -> None:
    data = results()
    data["target_checks"] = report.targets(data)
    text = report.text(data)
    assert text.split("\n\n") == [
        report.table(data).split("\n\n")[0],
        report.table(data).split("\n\n")[1],
        report.action_table(data),
        report.footprint_table(data),
        report.targets_table(data["target_checks"]),
    ]


# -- the minimal bot ------------------------------------------------------------------------


def test_the_minimal_bot_is_in_real_files_that_load(monkeypatch: pytest.MonkeyPatch) -> None:
    # endpoints.yml reads the stores from the environment, as Stack sets it.
    monkeypatch.setenv("TRACKER_DB_URL", "postgresql://bench@127.0.0.1:5432/tracker")
    monkeypatch.setenv("STACK_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("STACK_REDIS_PORT", "6379")
    for name in BOT_FILES:
        path = minimal.MINIMAL_BOT / name
        assert path.is_file(), name
        assert yaml.safe_load(path.read_text(encoding="utf-8")), name
        assert read_yaml_file(path), name
    endpoints = read_yaml_file(minimal.MINIMAL_BOT / "endpoints.yml")
    assert isinstance(endpoints, dict)
    assert endpoints["tracker_store"] == {"type": "sql", "url": "postgresql://bench@127.0.0.1:5432/tracker"}
    assert endpoints["lock_store"]["type"] == "redis"
    config = read_yaml_file(minimal.MINIMAL_BOT / "config.yml")
    assert isinstance(config, dict)
    assert [p["name"] for p in config["policies"]] == ["RulePolicy"]


def test_each_turn_of_the_minimal_workload_has_a_response_in_the_domain() -> None:
    """Every text the MinimalWorkload sends is an example of an intent whose rule answers with
    a response of the domain (each turn must get a reply, or it counts as an error)."""
    bot = minimal.MINIMAL_BOT
    domain = read_yaml_file(bot / "domain.yml")
    nlu = read_yaml_file(bot / "data" / "nlu.yml")
    rules = read_yaml_file(bot / "data" / "rules.yml")
    assert isinstance(domain, dict) and isinstance(nlu, dict) and isinstance(rules, dict)
    intent_of = {
        line.strip()[2:]: block["intent"]
        for block in nlu["nlu"]
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    }
    answer_of = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules["rules"]}
    assert set(answer_of) == set(domain["intents"])
    for text in MinimalWorkload.texts:
        response = answer_of[intent_of[text]]
        assert domain["responses"][response][0]["text"], text


def test_make_minimal_bot_copies_the_folder_and_trains_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained: List[Tuple[Path, Path, str]] = []

    def fake_train(cwd: Path, out: Path, name: str) -> float:
        trained.append((cwd, out, name))
        return 9.5

    monkeypatch.setattr(minimal, "train", fake_train)
    directory = tmp_path / "minimal"
    assert minimal.make_minimal_bot(directory) == 9.5
    assert trained == [(directory, directory / "models", "minimal")]
    for name in BOT_FILES:
        assert filecmp.cmp(minimal.MINIMAL_BOT / name, directory / name, shallow=False), name
    assert minimal.minimal_model(directory) == directory / "models" / "minimal.tar.gz"
