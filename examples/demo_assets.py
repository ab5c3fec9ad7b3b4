"""Generate the demo project's model files and notebook (never committed as binaries).

The clean model is an ordinary pickle of plain data. The poisoned one is written opcode by
opcode: unpickling it would call ``os.system("true")`` (harmless), and mlgate must flag it
without ever loading it. The notebook carries a freshly generated, correctly checksummed
but fake GitHub token that the secrets check must find and never print.
"""

from __future__ import annotations

import json
import pickle
import secrets
import struct
import zlib
from pathlib import Path

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def fake_github_token() -> str:
    """A classic-format token (random body + base62 CRC-32) that was never issued."""
    body = "".join(secrets.choice(BASE62) for _ in range(30))
    return f"ghp_{body}{_base62(zlib.crc32(body.encode()), 6)}"


def poisoned_pickle() -> bytes:
    """PROTO 2, GLOBAL os.system, the argument tuple ("true",), REDUCE, STOP."""
    argument = b"true"
    return (
        b"\x80\x02"
        + b"cos\nsystem\n"
        + b"X" + struct.pack("<I", len(argument)) + argument
        + b"\x85R."
    )  # fmt: skip


def notebook(token: str) -> dict[str, object]:
    """A small exploration notebook whose second cell hard-codes a token."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Churn data exploration\n"]},
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [],
            "source": [
                "import os\n",
                f'GITHUB_TOKEN = "{token}"  # pulls the feature repo\n',
            ],
        },
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write_assets(project: Path) -> list[Path]:
    """Write the generated files into ``project`` and return their paths."""
    model = project / "model"
    notebooks = project / "notebooks"
    model.mkdir(exist_ok=True)
    notebooks.mkdir(exist_ok=True)
    clean = {"features": ["tenure", "monthly_charges"], "coef": [-0.42, 0.031], "bias": 0.7}
    files = {
        model / "churn-model.pkl": pickle.dumps(clean, protocol=4),
        model / "churn-model-candidate.pkl": poisoned_pickle(),
        notebooks / "explore.ipynb": json.dumps(notebook(fake_github_token()), indent=1).encode(),
    }
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)
