"""The measurement of a safety classifier of its own (assistant/evaluation/safety_classifier.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation import safety_classifier as sc


def test_training_labels_are_the_route_or_none(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "  - intent: safety_crisis\n    examples: |\n      - i want to die\n"
        "  - intent: safety_can_tim_help\n    examples: |\n      - can tim help\n"
        "  - intent: faq/overview\n    examples: |\n      - what is [this](topic) about\n",
        encoding="utf-8",
    )
    assert sc.training_examples(tmp_path) == (
        ["i want to die", "can tim help", "what is this about"],
        ["crisis", "none", "none"],
    )


def test_a_route_needs_the_threshold_and_a_crisis_from_either_layer_leads() -> None:
    probabilities = [
        {"crisis": 0.8, "none": 0.2},
        {"abuse": 0.55, "none": 0.45},
        {"none": 0.9, "under_18": 0.1},
    ]
    assert sc.routes_at(probabilities, 0.6) == ["crisis", "none", "none"]
    assert sc.with_patterns(["abuse", "none", "sextortion"], [None, "under_18", "crisis"]) == [
        "abuse",
        "under_18",
        "crisis",
    ]


def test_scores_keep_look_alikes_and_concern_apart() -> None:
    messages = [
        sc.Labelled("s.yml", "crisis", "crisis.plan_or_timing", "a"),
        sc.Labelled("s.yml", "crisis", "crisis.self_harm", "b"),
        sc.Labelled("s.yml", "none", "lookalike.idiom_death", "c"),
        sc.Labelled("s.yml", "none", "concern.whats_the_point", "d"),
    ]
    scores = sc.score(messages, ["crisis", "none", "crisis", "none"])
    assert scores["crisis"] == pytest.approx(0.5)
    assert scores["all"] == pytest.approx(0.5)
    assert scores["lookalike_false_alarm"] == pytest.approx(1.0)
    assert scores["concern_false_alarm"] == pytest.approx(0.0)


def test_a_classifier_learns_the_routes_from_words() -> None:
    train = ["i want to die tonight", "i will kill myself", "how much does it cost", "what is dopamine"] * 3
    labels = ["crisis", "crisis", "none", "none"] * 3
    probabilities = sc.route_probabilities(train, labels, ["i want to kill myself", "what does it cost"])
    assert sc.routes_at(probabilities, 0.5) == ["crisis", "none"]
