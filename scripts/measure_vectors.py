"""Measure held-out section accuracy with and without en_core_web_md word vectors.

Trains two models from config.yml: as it is on the vector-free pipeline
(var/spacy/en_blank), and with the vectors pipeline (var/spacy/en_vectors) plus
SpacyFeaturizer. Evaluates both with scripts/evaluate_nlu.py and prints a table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")


def variant(vectors: bool) -> Path:
    yaml = YAML()
    config = yaml.load((ROOT / "config.yml").read_text())
    pipeline = []
    for component in config["pipeline"]:
        if component["name"] == "SpacyFeaturizer":
            continue
        pipeline.append(component)
        if component["name"].endswith("SpacyNLP"):
            component["model"] = "var/spacy/en_vectors" if vectors else "var/spacy/en_blank"
        if vectors and component["name"] == "SpacyTokenizer":
            pipeline.append({"name": "SpacyFeaturizer", "pooling": "mean"})
    config["pipeline"] = pipeline
    out = ROOT / "var" / f"config_{'vectors' if vectors else 'blank'}.yml"
    with out.open("w") as handle:
        yaml.dump(config, handle)
    return out


def main() -> int:
    rows = []
    for vectors in (False, True):
        name = "vectors" if vectors else "blank"
        config = variant(vectors)
        started = time.monotonic()
        subprocess.run(
            [
                PY,
                "scripts/train_if_changed.py",
                "--config",
                str(config.relative_to(ROOT)),
                "--out",
                f"measure_{name}",
            ],
            cwd=ROOT,
            check=True,
        )
        train_s = time.monotonic() - started
        report = f"reports/nlu_heldout_{name}.json"
        subprocess.run(
            [
                PY,
                "scripts/evaluate_nlu.py",
                "--model",
                f"models/measure_{name}.tar.gz",
                "--min",
                "0",
                "--report",
                report,
            ],
            cwd=ROOT,
            check=True,
        )
        summary = json.loads((ROOT / report).read_text())
        rows.append((name, summary["section_accuracy"], summary["basics_accuracy"], train_s))
    print("\npipeline   section-acc  other-intents  train-s")
    for name, acc, other, secs in rows:
        print(f"{name:<10} {acc:>10.1%} {other:>14.1%} {secs:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
