"""Train only when the training inputs changed since the last model.

The fingerprint covers config.yml, every file of domain/, everything under data/, the
spaCy pipeline in use (with or without vectors) and the code that loads it and shapes the
features a model learns from (the sentence featurizer and its encoder; the
weights themselves are fixed by their pinned hash). Components that are not
trained (the safety gate and patterns, the policies) are imported at run time. It is stored beside the model
in models/.fingerprint; a matching fingerprint and an existing model skip training.

Usage: python scripts/train_if_changed.py [--config FILE] [--out NAME] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fingerprint(config: Path) -> str:
    digest = hashlib.sha256()
    inputs = [config, *sorted((ROOT / "domain").rglob("*.yml")), *sorted((ROOT / "data").rglob("*.yml"))]
    inputs += sorted((ROOT / "assistant" / "nlu").glob("*.py")) + sorted(
        (ROOT / "assistant" / "safety").glob("*.py")
    )
    inputs += [ROOT / "assistant" / name for name in ("embeddings.py", "language.py", "policies.py")]
    for path in inputs:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    pipeline = ROOT / "var" / "spacy" / "en_pipeline"
    # Which pipeline (en_vectors or en_blank), relative to the checkout, so a clone or a moved
    # checkout with the same inputs gets the same fingerprint.
    digest.update(os.path.relpath(os.path.realpath(pipeline), ROOT).encode())
    meta = pipeline / "meta.json"
    if meta.exists():
        digest.update(meta.read_bytes())
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--out", default="assistant")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    config = ROOT / args.config
    model = ROOT / "models" / f"{args.out}.tar.gz"
    stamp = ROOT / "models" / f".{args.out}.fingerprint"
    current = fingerprint(config)
    if not args.force and model.exists() and stamp.exists() and stamp.read_text() == current:
        print(f"{model.relative_to(ROOT)} is up to date; not training")
        return 0

    started = time.monotonic()
    command = [
        str(ROOT / ".venv" / "bin" / "rasa"),
        "train",
        "--config",
        str(config),
        "--domain",
        "domain",
        "--data",
        "data",
        "--out",
        "models",
        "--fixed-model-name",
        args.out,
    ]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        return result.returncode
    stamp.write_text(current)
    print(f"trained {model.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
