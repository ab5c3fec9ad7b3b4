"""Put a ``name = value`` assignment into every carrier the secrets check reads.

Each builder returns the file's bytes and where the value must be reported: a 1-based
line for text carriers (notebooks: the line of the raw file), a container member for
artifacts. Artifacts are real structures: a sklearn-like pickle, joblib's compressed
stream around a pickle with inline arrays, an ``.npz`` of ``<U`` (UTF-32) arrays, a zip
of configs.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from builders import archives as zb
from builders.benign_pickles import estimator, joblib_wrapper
from builders.pickles import PickleWriter, framed


@dataclass(frozen=True, slots=True)
class Planted:
    """A generated file and where its secret is."""

    filename: str
    data: bytes
    line: int | None = None
    member: str | None = None


CARRIERS = ("source", "config", "notebook", "pickle", "joblib", "npz", "zip")
ARTIFACT_CARRIERS = frozenset({"pickle", "joblib", "npz", "zip"})


def _filler(rng: random.Random, count: int) -> list[str]:
    words = ["model", "features", "threshold", "epochs", "batch", "seed", "path", "lr"]
    return [f"{rng.choice(words)}_{i} = {rng.randrange(1000)}" for i in range(count)]


def source(name: str, value: str, rng: random.Random) -> Planted:
    lines = ['"""Training entry point."""', "import os", "", *_filler(rng, rng.randrange(1, 6))]
    lines.append(f'{name} = "{value}"')
    line = len(lines)
    lines += ["", "def main() -> None:", "    print(threshold_0)", ""]
    return Planted("train.py", "\n".join(lines).encode(), line=line)


def _config_lines(fmt: str, name: str, value: str) -> tuple[str, list[str], int]:
    if fmt == ".env":
        return ".env", ["# service settings", "LOG_LEVEL=info", f"{name}={value}"], 3
    if fmt == "yaml":
        return "settings.yaml", ["service:", "  replicas: 2", f'  {name}: "{value}"'], 3
    if fmt == "json":
        body = ["{", '  "replicas": 2,', f'  "{name}": "{value}"', "}"]
        return "settings.json", body, 3
    if fmt == "toml":
        return "settings.toml", ["[service]", "replicas = 2", f'{name} = "{value}"'], 3
    return "settings.ini", ["[service]", "replicas = 2", f"{name} = {value}"], 3


def config(name: str, value: str, rng: random.Random) -> Planted:
    fmt = rng.choice([".env", "yaml", "json", "toml", "ini"])
    filename, lines, line = _config_lines(fmt, name, value)
    return Planted(filename, ("\n".join(lines) + "\n").encode(), line=line)


def notebook_document(cells: list[dict[str, object]]) -> bytes:
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()


def code_cell(
    source_lines: list[str], outputs: list[dict[str, object]] | None = None
) -> dict[str, object]:
    source = [line + "\n" for line in source_lines[:-1]] + source_lines[-1:]
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": source,
            "outputs": outputs or []}  # fmt: skip


def notebook(name: str, value: str, rng: random.Random) -> Planted:
    intro: dict[str, object] = {
        "cell_type": "markdown",
        "metadata": {},
        "source": ["# Churn model\n", "Notes."],
    }
    if rng.random() < 0.3:
        stream: dict[str, object] = {
            "output_type": "stream",
            "name": "stdout",
            "text": [f"{name}: {value}\n"],
        }
        cells = [intro, code_cell(["print(config)"], [stream])]
    else:
        cells = [intro, code_cell(["import os", f'{name} = "{value}"', "client = connect()"])]
    data = notebook_document(cells)
    escaped = json.dumps(value, ensure_ascii=False)[1:-1]
    line = (
        data.decode()
        .splitlines()
        .index(next(ln for ln in data.decode().splitlines() if escaped in ln))
    )
    return Planted("analysis.ipynb", data, line=line + 1)


def dict_pickle(pairs: list[tuple[str, str]]) -> bytes:
    w = PickleWriter().proto(4).empty_dict().mark()
    for key, value in pairs:
        w.text(key).text(value)
    return w.setitems().stop().data


def pickle(name: str, value: str, rng: random.Random) -> Planted:
    meta = [("framework", "sklearn"), (name, value), ("owner", "ml-platform")]
    data = dict_pickle(meta) if rng.random() < 0.5 else _estimator_with(meta)
    return Planted("model.pkl", data)


def _estimator_with(pairs: list[tuple[str, str]]) -> bytes:
    """An estimator pickle followed by a metadata pickle (two pickles back to back)."""
    return estimator("sklearn.linear_model", "LogisticRegression") + dict_pickle(pairs)


def joblib(name: str, value: str, rng: random.Random) -> Planted:
    w = PickleWriter().empty_dict().mark()
    w.text("coef")
    joblib_wrapper(w, 4, aligned=True, proto=4)
    w.text(name).text(value)
    raw = w.setitems().stop().data
    codec = rng.choice(["zlib", "gzip", "xz"])
    return Planted("model.joblib", zb.compress(framed(4, raw), codec), member=f"<{codec}>")


def utf32_array(items: list[str]) -> bytes:
    width = max(len(item) for item in items)
    body = b"".join(item.ljust(width, "\x00").encode("utf-32-le") for item in items)
    return zb.npy(f"<U{width}", (len(items),), body)


def npz(name: str, value: str, rng: random.Random) -> Planted:
    weights = zb.npy("<f8", (2,), bytes(16))
    meta = utf32_array(["run-42", name, value, "v1"])
    members = [zb.Member(name="weights.npy", data=weights),
               zb.Member(name="meta.npy", data=meta, deflate=rng.random() < 0.5)]  # fmt: skip
    return Planted("model.npz", zb.make_zip(members), member="meta.npy")


def zip_bundle(name: str, value: str, rng: random.Random) -> Planted:
    settings = json.dumps({"replicas": 2, name: value}, indent=2).encode()
    members = [zb.Member(name="model/weights.bin", data=bytes(64)),
               zb.Member(name="model/config.json", data=settings, deflate=True)]  # fmt: skip
    return Planted("bundle.zip", zb.make_zip(members), member="model/config.json")


BUILDERS = {
    "source": source,
    "config": config,
    "notebook": notebook,
    "pickle": pickle,
    "joblib": joblib,
    "npz": npz,
    "zip": zip_bundle,
}
