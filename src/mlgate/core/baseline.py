"""Baselines: fingerprints accepted as existing debt, so only new findings block."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.errors import InputError
from mlgate.core.finding import Finding

BASELINE_SCHEMA = "mlgate.baseline/v1"
_MAX_BASELINE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted fingerprints, and where they came from."""

    fingerprints: frozenset[str]
    source: str | None = None

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.fingerprints


EMPTY_BASELINE = Baseline(frozenset())


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file written by :func:`render_baseline`; errors are input errors."""
    try:
        if path.stat().st_size > _MAX_BASELINE_BYTES:
            raise InputError(f"{path}: baseline larger than {_MAX_BASELINE_BYTES} bytes")
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(
            f"{path}: baseline file not found (create it with `mlgate baseline`)"
        ) from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: baseline is not readable JSON ({error})") from None
    if not isinstance(document, dict) or document.get("schema") != BASELINE_SCHEMA:
        raise InputError(f"{path}: not an mlgate baseline (expected schema {BASELINE_SCHEMA})")
    entries = document.get("findings", [])
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise InputError(f"{path}: baseline 'findings' must be a list of {{fingerprint: ...}}")
    return Baseline(frozenset(e["fingerprint"] for e in entries), source=str(path))


def render_baseline(findings: Iterable[Finding], *, created_at: str) -> bytes:
    """Serialise findings' fingerprints (with rule and path to keep the file reviewable)."""
    unique = {f.fingerprint: f for f in findings}
    entries = [
        {"fingerprint": fp, "rule_id": f.rule_id, "path": f.location.path}
        for fp, f in sorted(unique.items(), key=lambda item: (item[1].rule_id, item[0]))
    ]
    document = {"schema": BASELINE_SCHEMA, "created_at": created_at, "findings": entries}
    return (json.dumps(document, indent=2, sort_keys=False) + "\n").encode()
