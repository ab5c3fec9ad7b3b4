"""A generated source tree for the secrets benchmark and speed tests, with planted tokens.

The files read like an ML project: Python modules full of the words that trip naive
keyword prefilters (``tokenizer``, ``keys()``, ``pass``, ``task``, URLs), YAML and JSON
configs, Markdown. One file in ``plant_every`` holds one generated fake credential, so
a run's finding count shows the scanner still works while it is timed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from builders import secrets_tokens as st

_WORDS = (
    "model", "features", "tokenizer", "batch", "epoch", "loss", "metrics", "dataset", "keys",
    "task", "mask", "label", "weights", "optimizer", "scheduler", "config", "logger", "step",
    "value", "items", "secret_name", "password_field", "token_ids", "api", "session", "pass",
)  # fmt: skip


def _python(rng: random.Random, lines: int) -> list[str]:
    out = ['"""Training utilities."""', "", "import os", "from typing import Any", ""]
    while len(out) < lines:
        a, b, c = (rng.choice(_WORDS) for _ in range(3))
        out += [
            f"def {a}_{b}_{len(out)}({c}: Any, mask: Any = None) -> Any:",
            f'    """Return the {b} of {c} (see https://docs.example.org/{a}#{b})."""',
            f"    for key, {a} in {c}.items():",
            f"        if key in {b}.keys() and mask is not None:",
            f"            {a} = tokenizer.encode({a}, max_length={rng.randrange(512)})",
            "        else:",
            "            pass",
            f"    return {{'{a}': {b}, 'task': {rng.random():.6f}}}",
            "",
        ]
    return out


def _yaml(rng: random.Random, lines: int) -> list[str]:
    out = ["pipeline:"]
    while len(out) < lines:
        name = rng.choice(_WORDS)
        out += [
            f"  - name: {name}-{len(out)}",
            f"    image: registry.example/{name}:1.{len(out)}",
            f"    token_secret_ref: vault/{name}",
            f"    replicas: {rng.randrange(9)}",
        ]
    return out


def _json(rng: random.Random, lines: int) -> list[str]:
    rows = [{"id": i, "key": rng.choice(_WORDS), "score": rng.random()} for i in range(lines)]
    return json.dumps(rows, indent=1).splitlines()


def _markdown(rng: random.Random, lines: int) -> list[str]:
    out = ["# Notes", ""]
    while len(out) < lines:
        words = " ".join(rng.choice(_WORDS) for _ in range(14))
        out.append(f"The {words}; see https://example.org/{rng.choice(_WORDS)}.")
    return out


_KINDS = (("py", _python), ("yaml", _yaml), ("json", _json), ("md", _markdown))


def write_source_tree(root: Path, megabytes: float, *, plant_every: int = 25, seed: int = 5) -> int:
    """Write about ``megabytes`` of files under ``root``; returns how many tokens were planted."""
    rng = st.seeded(seed)
    written = planted = index = 0
    while written < megabytes * 1_000_000:
        suffix, make = _KINDS[index % len(_KINDS)]
        lines = make(rng, rng.randrange(100, 600))
        if index % plant_every == 0:
            lines.insert(len(lines) // 2, f'GITHUB_TOKEN = "{st.github(rng)}"')
            planted += 1
        data = ("\n".join(lines) + "\n").encode()
        path = root / f"pkg{index // 100:03d}" / f"mod{index:05d}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += len(data)
        index += 1
    return planted
