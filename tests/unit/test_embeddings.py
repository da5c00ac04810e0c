"""The NumPy sentence encoder reproduces the reference model (assistant/embeddings.py).

The reference vectors in tests/unit/data/minilm_reference.json were computed once with the
Hugging Face ``transformers`` implementation of all-MiniLM-L6-v2 (PyTorch, mean
pooling, L2 normalisation), on sentences with emoji, accents, CJK characters and
an over-long word.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import DEFAULT_PATH, WEIGHTS_SHA256, get_encoder, read_safetensors
from tests.conftest import ROOT

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text(encoding="utf-8"))
MODEL = ROOT / DEFAULT_PATH


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    if not (MODEL / "model.safetensors").is_file():
        pytest.fail("sentence model missing: run `make minilm`")
    return get_encoder(str(MODEL))


@pytest.mark.parametrize("case", REFERENCE, ids=lambda c: c["text"][:24])
def test_tokens_and_vector_match_the_reference_implementation(encoder, case) -> None:  # type: ignore[no-untyped-def]
    assert encoder.tokenizer.encode(case["text"]) == case["ids"]
    vector = encoder.encode(case["text"])
    assert vector.dtype == np.float32 and vector.shape == (384,)
    assert np.abs(vector - np.array(case["vector"], dtype=np.float32)).max() < 1e-4
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_similar_meanings_are_closer_than_unrelated_ones(encoder) -> None:  # type: ignore[no-untyped-def]
    a = encoder.encode("I keep going back to the dating apps every night")
    b = encoder.encode("every evening I end up on Tinder again")
    c = encoder.encode("what time does the train leave tomorrow")
    assert float(a @ b) > float(a @ c) + 0.2


def test_long_messages_are_truncated_to_the_models_limit(encoder) -> None:  # type: ignore[no-untyped-def]
    ids = encoder.tokenizer.encode("word " * 1000)
    assert len(ids) == 256 and ids[0] == encoder.tokenizer.cls and ids[-1] == encoder.tokenizer.sep


def test_one_encoder_per_process() -> None:
    assert get_encoder(str(MODEL)) is get_encoder(str(MODEL))


def test_the_weights_are_the_pinned_ones() -> None:
    import hashlib

    digest = hashlib.sha256((MODEL / "model.safetensors").read_bytes()).hexdigest()
    assert digest == WEIGHTS_SHA256


def test_safetensors_reader(tmp_path: Path) -> None:
    import struct

    data = np.arange(6, dtype=np.float32).tobytes()
    header = json.dumps({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, len(data)]}}).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + data)
    arrays = read_safetensors(path)
    assert arrays["w"].tolist() == [[0, 1, 2], [3, 4, 5]]
    # Each tensor owns its memory: no view keeps the whole file's bytes alive.
    assert arrays["w"].flags.owndata or arrays["w"].base.flags.owndata
    assert not isinstance(arrays["w"].base, bytes)


def test_a_long_message_keeps_its_end(encoder) -> None:  # type: ignore[no-untyped-def]
    ids = encoder.tokenizer.encode("hello " * 400 + "goodbye")
    assert ids[-2] == encoder.tokenizer.ids["goodbye"]
    assert ids[1] == encoder.tokenizer.ids["hello"]
