"""A classifier of its own for the safety routes: which route, if any, a message discloses.

The shared intent classifier weighs the five safety routes against fifty other intents, and
on sets nobody tuned on it found about 84% of disclosures. This one is trained only to tell
the routes from everything else (every other intent of the training data is ``none``), as a
multinomial logistic regression over word 1-2-gram and character 2-5-gram TF-IDF and the
message's sentence embedding (all-MiniLM-L6-v2). Measured against the shared classifier in
the README ("Safety", "A classifier of its own"; ``scripts/measure_safety_classifier.py``).

Fitting uses scikit-learn; what is kept is plain data (the vocabularies as JSON, the IDF
weights and the coefficients as ``.npy`` read without pickle), so loading a model runs no
stored code, and a prediction is the same TF-IDF and a softmax.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy as np

from assistant.safety.routes import SAFETY_INTENTS

NONE = "none"
# The two TF-IDF views: words and word pairs, and character n-grams inside word boundaries.
_VIEWS: Dict[str, Dict[str, Any]] = {
    "words": {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True},
}
_REGULARISATION = 4.0  # C of the logistic regression (measured: README)


def label_of(intent: str) -> str:
    """The route a training intent stands for: ``safety_<route>`` is the route, any other intent none."""
    return SAFETY_INTENTS.get(intent, NONE)


def _vectorizer(view: str, vocabulary: Dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    config = dict(_VIEWS[view])
    if vocabulary is not None:
        config.pop("min_df")
        config["vocabulary"] = vocabulary
    return TfidfVectorizer(**config)


class RouteClassifier:
    """Probabilities of each safety route (and ``none``) for a message."""

    def __init__(
        self,
        vectorizers: Dict[str, Any],
        coefficients: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        self._vectorizers = vectorizers
        self._coefficients = coefficients
        self._intercept = intercept
        self.classes = list(classes)

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[str], embeddings: np.ndarray | None = None
    ) -> RouteClassifier:
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        vectorizers = {view: _vectorizer(view).fit(texts) for view in _VIEWS}
        features = cls._stack(vectorizers, texts, embeddings)
        model = LogisticRegression(C=_REGULARISATION, max_iter=3000, class_weight="balanced")
        model.fit(features, list(labels))
        coefficients = np.asarray(model.coef_, dtype=np.float32)
        intercept = np.asarray(model.intercept_, dtype=np.float32)
        if coefficients.shape[0] == 1:  # two classes: one logit, the softmax of (0, logit) is its sigmoid
            coefficients = np.vstack([np.zeros_like(coefficients), coefficients])
            intercept = np.concatenate([np.zeros_like(intercept), intercept])
        return cls(vectorizers, coefficients, intercept, [str(name) for name in model.classes_])

    @staticmethod
    def _stack(vectorizers: Dict[str, Any], texts: Sequence[str], embeddings: np.ndarray | None) -> Any:
        from scipy.sparse import csr_matrix, hstack

        parts = [vectorizers[view].transform(texts) for view in _VIEWS]
        if embeddings is not None:
            parts.append(csr_matrix(np.asarray(embeddings, dtype=np.float32)))
        return hstack(parts).tocsr()

    @property
    def uses_embeddings(self) -> bool:
        sparse = sum(len(self._vectorizers[view].vocabulary_) for view in _VIEWS)
        return int(self._coefficients.shape[1]) > sparse

    def predict(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> List[Dict[str, float]]:
        """Each text's probability per class (the routes and ``none``)."""
        if not texts:
            return []
        if self.uses_embeddings and embeddings is None:
            raise ValueError("this classifier was trained with sentence embeddings: pass them")
        features = self._stack(self._vectorizers, texts, embeddings if self.uses_embeddings else None)
        scores = np.asarray(features @ self._coefficients.T) + self._intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        return [dict(zip(self.classes, map(float, row), strict=True)) for row in probabilities]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for view in _VIEWS:
            vectorizer = self._vectorizers[view]
            vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
            (directory / f"{view}.json").write_text(json.dumps(vocabulary), encoding="utf-8")
            np.save(directory / f"{view}_idf.npy", np.asarray(vectorizer.idf_, dtype=np.float64))
        np.save(directory / "coefficients.npy", self._coefficients)
        np.save(directory / "intercept.npy", self._intercept)
        (directory / "classes.json").write_text(json.dumps(self.classes), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> RouteClassifier:
        vectorizers = {}
        for view in _VIEWS:
            vocabulary = json.loads((directory / f"{view}.json").read_text(encoding="utf-8"))
            vectorizer = _vectorizer(view, vocabulary)
            vectorizer.idf_ = np.load(directory / f"{view}_idf.npy", allow_pickle=False)
            vectorizers[view] = vectorizer
        return cls(
            vectorizers,
            np.load(directory / "coefficients.npy", allow_pickle=False),
            np.load(directory / "intercept.npy", allow_pickle=False),
            json.loads((directory / "classes.json").read_text(encoding="utf-8")),
        )
