"""Benign artifacts written by the real libraries of the test environment.

numpy, pandas, scikit-learn and joblib write these at test time (never committed, never
loaded back): the opcode-level imitations in :mod:`builders.benign_pickles` cannot
drift from what the libraries really emit if the libraries themselves write the bytes.
Data is seeded, so every run produces the same files for a given library version.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import joblib  # type: ignore[import-untyped]  # joblib ships no type information
import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the dev environment
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeRegressor

_ROWS = 60


@dataclass(frozen=True, slots=True)
class RealArtifact:
    """One file as a library wrote it."""

    family: str
    name: str
    filename: str
    data: bytes


def _features(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(size=(_ROWS, 4))
    y = (x[:, 0] + rng.normal(scale=0.5, size=_ROWS) > 0).astype(int)
    return x, y


def _frame(rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, size=_ROWS),
            "spend": rng.normal(50.0, 10.0, size=_ROWS),
            "plan": pd.Categorical(rng.choice(["basic", "pro", "team"], size=_ROWS)),
            "city": rng.choice(["Oslo", "Lyon", "Porto"], size=_ROWS).astype(object),
            "joined": pd.date_range("2024-01-01", periods=_ROWS, freq="D"),
        }
    )


def _estimators(rng: np.random.Generator) -> Iterator[tuple[str, object]]:
    x, y = _features(rng)
    yield "logistic", LogisticRegression().fit(x, y)
    yield "forest", RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y)
    yield "boosting", GradientBoostingClassifier(n_estimators=3, random_state=0).fit(x, y)
    yield (
        "pipeline",
        Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(x, y),
    )
    yield "hist-boosting", HistGradientBoostingRegressor(max_iter=3).fit(x, x[:, 1])
    yield "tree", DecisionTreeRegressor(max_depth=3, random_state=0).fit(x, x[:, 1])
    yield "svc", SVC().fit(x, y)
    yield "knn", KNeighborsClassifier(n_neighbors=3).fit(x, y)
    yield "kmeans", KMeans(n_clusters=2, n_init=1, random_state=0).fit(x)
    yield "pca", PCA(n_components=2).fit(x)
    frame = _frame(rng)
    columns = ColumnTransformer(
        [("num", StandardScaler(), ["age", "spend"]), ("cat", OneHotEncoder(), ["plan", "city"])]
    )
    yield (
        "column-pipeline",
        Pipeline([("prep", columns), ("clf", LogisticRegression())]).fit(frame, y),
    )
    texts = [f"churn risk {i % 7} plan {i % 3}" for i in range(_ROWS)]
    yield (
        "tfidf",
        Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())]).fit(texts, y),
    )


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _npz_bytes(compressed: bool, **arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    save: Callable[..., None] = np.savez_compressed if compressed else np.savez
    save(buffer, allow_pickle=True, **arrays)
    return buffer.getvalue()


def _numpy(rng: np.random.Generator) -> Iterator[RealArtifact]:
    floats = rng.normal(size=(8, 3))
    # Object arrays are pickle carriers: numpy writes a pickle after the header.
    objects = np.array([{"label": "a", "w": [1, 2]}, "text", 3.5, None], dtype=object)
    yield RealArtifact("real-numpy", "npy-float", "w.npy", _npy_bytes(floats))
    yield RealArtifact("real-numpy", "npy-object", "labels.npy", _npy_bytes(objects))
    yield RealArtifact("real-numpy", "npy-strings", "vocab.npy", _npy_bytes(np.array(["a", "b"])))
    yield RealArtifact(
        "real-numpy", "npz", "arrays.npz", _npz_bytes(False, w=floats, labels=objects)
    )
    yield RealArtifact(
        "real-numpy", "npz-compressed", "arrays.npz", _npz_bytes(True, w=floats, labels=objects)
    )
    yield RealArtifact("real-numpy", "pickled-array", "array.pkl", pickle.dumps(floats, protocol=4))
    state = {"rng": np.random.default_rng(1), "legacy": np.random.RandomState(2)}
    yield RealArtifact("real-numpy", "random-state", "rng.pkl", pickle.dumps(state, protocol=4))


def _pandas(rng: np.random.Generator) -> Iterator[RealArtifact]:
    frame = _frame(rng)
    for protocol in (2, 4, 5):
        buffer = io.BytesIO()
        frame.to_pickle(buffer, protocol=protocol)
        yield RealArtifact("real-pandas", f"frame-p{protocol}", "frame.pkl", buffer.getvalue())
    indexed = frame.set_index(["plan", "joined"])
    indexed["wait"] = pd.to_timedelta(frame["age"].to_numpy(), unit="h")
    buffer = io.BytesIO()
    indexed.to_pickle(buffer)
    yield RealArtifact("real-pandas", "multiindex-timedelta", "frame.pkl", buffer.getvalue())
    series = io.BytesIO()
    frame["spend"].to_pickle(series)
    yield RealArtifact("real-pandas", "series", "series.pkl", series.getvalue())


def _joblib_bytes(value: object, compress: int | tuple[str, int]) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(value, buffer, compress=compress)
    return buffer.getvalue()


def _sklearn(rng: np.random.Generator) -> Iterator[RealArtifact]:
    for name, model in _estimators(rng):
        for protocol in (2, 5):
            data = pickle.dumps(model, protocol=protocol)
            yield RealArtifact("real-sklearn", f"{name}-p{protocol}", "model.pkl", data)
        yield RealArtifact("real-joblib", name, "model.joblib", _joblib_bytes(model, 0))
        yield RealArtifact(
            "real-joblib", f"{name}-compress3", "model.joblib", _joblib_bytes(model, 3)
        )
    _, model = next(_estimators(rng))
    for codec in ("gzip", "bz2", "xz", "lzma"):
        yield RealArtifact(
            "real-joblib", f"logistic-{codec}", "model.joblib", _joblib_bytes(model, (codec, 3))
        )


@cache
def real_artifacts(seed: int = 7) -> tuple[RealArtifact, ...]:
    """Every benign artifact the installed libraries write, seeded (built once per run)."""
    rng = np.random.default_rng(seed)
    return (*_numpy(rng), *_pandas(rng), *_sklearn(rng))
