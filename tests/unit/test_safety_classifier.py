"""The safety routes' own classifier: fitted, kept as plain data, loaded, and set on messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.safety_classifier import SAFETY_SCORES, SafetyRouteClassifier
from assistant.safety.classifier import RouteClassifier, label_of

TEXTS = [
    "i want to die tonight",
    "i keep thinking about killing myself",
    "im 15 and on snapchat all night",
    "im in year 10 and on the apps",
    "how much does a session cost",
    "what is dopamine",
    "is this chat saved",
    "hello there",
] * 3
INTENTS = [
    "safety_crisis",
    "safety_crisis",
    "safety_under_18",
    "safety_under_18",
    "not_on_page",
    "faq",
    "privacy",
    "greet",
] * 3


def test_only_the_five_routes_are_labels() -> None:
    assert [label_of(i) for i in ("safety_crisis", "safety_can_tim_help", "faq", "feeling_low")] == [
        "crisis",
        "none",
        "none",
        "none",
    ]


def test_kept_as_plain_data_and_loaded_with_the_same_predictions(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    embeddings = rng.normal(size=(len(TEXTS), 384)).astype(np.float32)
    labels = [label_of(i) for i in INTENTS]
    fitted = RouteClassifier.fit(TEXTS, labels, embeddings)
    fitted.save(tmp_path / "model")
    assert not list((tmp_path / "model").glob("*.pkl"))
    loaded = RouteClassifier.load(tmp_path / "model")
    probe = ["i want to kill myself", "im 14 lol", "what does it cost"]
    vectors = rng.normal(size=(3, 384)).astype(np.float32)
    before, after = fitted.predict(probe, vectors), loaded.predict(probe, vectors)
    for a, b in zip(before, after, strict=True):
        assert a == pytest.approx(b, abs=1e-5)
        assert sum(a.values()) == pytest.approx(1.0)
    assert max(before[0], key=before[0].get) == "crisis"
    assert max(before[2], key=before[2].get) == "none"
    with pytest.raises(ValueError):
        loaded.predict(probe)  # trained with embeddings: they must be passed


def test_two_classes_give_probabilities_too() -> None:
    classifier = RouteClassifier.fit((TEXTS[:2] + TEXTS[4:6]) * 2, ["crisis", "crisis", "none", "none"] * 2)
    (row,) = classifier.predict(["i want to die"])
    assert set(row) == {"crisis", "none"} and row["crisis"] > 0.5


def test_the_component_trains_persists_loads_and_scores(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("safety_classifier")
    context = ExecutionContext(graph_schema=None, node_name="safety_classifier")  # type: ignore[arg-type]
    component = SafetyRouteClassifier.create({}, storage, resource, context)
    data = TrainingData([Message(data={"text": t, "intent": i}) for t, i in zip(TEXTS, INTENTS, strict=True)])
    component.train(data)
    loaded = SafetyRouteClassifier.load({}, storage, resource, context)
    message, empty = Message(data={"text": "i want to die"}), Message(data={"text": ""})
    loaded.process([message, empty])
    scores = message.get(SAFETY_SCORES)
    assert max(scores, key=scores.get) == "crisis"
    assert empty.get(SAFETY_SCORES) is None


def _write_set(folder: Path, name: str, rows: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["messages:"] + [f'  - {{route: {r}, cue: {c}, text: "{t}"}}' for r, c, t in rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_labelled_sets_are_read_with_the_concern_tier_as_a_class_of_its_own(tmp_path: Path) -> None:
    from assistant.safety.examples import fingerprint, labelled_messages, set_files

    _write_set(
        tmp_path / "sets",
        "set_a.yml",
        [
            ("crisis", "crisis.preparation", "gave my guitar away and wrote letters"),
            ("none", "concern.whats_the_point", "whats the point of anything"),
            ("none", "lookalike.idiom_death", "my phone died lol"),
        ],
    )
    messages = labelled_messages(set_files(tmp_path / "sets"))
    assert [m.training_label for m in messages] == ["crisis", "concern", "none"]
    assert set_files(tmp_path / "missing") == []
    before = fingerprint(tmp_path / "sets")
    _write_set(tmp_path / "sets", "set_b.yml", [("abuse", "abuse.monitoring", "he tracks my phone")])
    assert fingerprint(tmp_path / "sets") != before
    assert SafetyRouteClassifier.fingerprint_addon({"examples": str(tmp_path / "sets")}) == fingerprint(
        tmp_path / "sets"
    )
    assert SafetyRouteClassifier.fingerprint_addon({}) is None


def test_the_component_also_learns_from_the_labelled_sets(tmp_path: Path, monkeypatch) -> None:
    import assistant.embeddings

    class Encoder:  # no weights needed: the words carry these toy examples
        def encode_many(self, texts):
            return np.zeros((len(list(texts)), 384), dtype=np.float32)

    monkeypatch.setattr(assistant.embeddings, "get_encoder", lambda *a, **k: Encoder())
    rows = [
        ("abuse", "abuse.financial_or_document_control", "he keeps my passport locked in his desk"),
        ("abuse", "abuse.financial_or_document_control", "my partner holds my passport and bank card"),
        ("none", "concern.whats_the_point", "whats the point of anything anymore"),
        ("none", "concern.whats_the_point", "honestly whats the point"),
    ] * 3
    _write_set(tmp_path / "sets", "set_a.yml", rows)
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage(tmp_path / "model")
    resource = Resource("safety_classifier")
    context = ExecutionContext(graph_schema=None, node_name="safety_classifier")  # type: ignore[arg-type]
    config = {"examples": str(tmp_path / "sets")}
    component = SafetyRouteClassifier.create(config, storage, resource, context)
    data = TrainingData([Message(data={"text": t, "intent": i}) for t, i in zip(TEXTS, INTENTS, strict=True)])
    component.train(data)
    loaded = SafetyRouteClassifier.load(config, storage, resource, context)
    passport, point = Message(data={"text": "he has my passport"}), Message(data={"text": "whats the point"})
    loaded.process([passport, point])
    assert max(passport.get(SAFETY_SCORES), key=passport.get(SAFETY_SCORES).get) == "abuse"
    assert max(point.get(SAFETY_SCORES), key=point.get(SAFETY_SCORES).get) == "concern"
