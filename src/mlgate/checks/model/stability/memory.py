"""Peak memory of loading a model and scoring one batch, each model in a fresh process.

Why not ``tracemalloc``: onnxruntime and scikit-learn allocate natively, where it sees
nothing. Why not the current process: its RSS high-water mark only ever grows and already
holds both models, so it cannot tell them apart. Each model therefore gets a fresh
interpreter (``python -m`` this module, so no caller's ``__main__`` is re-imported as
multiprocessing's spawn would) that imports the runtime, records its resident set
(``VmRSS``), resets the high-water mark (``/proc/self/clear_refs``, Linux 4.0+), loads the
model through the same safe loaders and scores the batch, and reports ``VmHWM`` minus that
baseline: the peak extra memory loading and serving the batch took. Elsewhere than Linux
the measurement is skipped, never guessed. The request (model path, allowlist, the batch
as JSON lists) goes in on stdin and the answer comes back as JSON on stdout: nothing is
pickled either way.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.reader import ModelInputError

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
RESET_PEAK = "5"  # clear_refs value that resets VmHWM to the current RSS
TIMEOUT_SECONDS = 120.0
_ERROR_CHARS = 500


def supported() -> bool:
    """Whether this system exposes a resettable RSS high-water mark."""
    return sys.platform == "linux" and STATUS.is_file() and CLEAR_REFS.exists()


def _status_bytes(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if found is None:
        raise OSError(f"no {field} in {STATUS}")
    return int(found.group(1)) * 1024


def _import_runtime(suffix: str) -> None:
    # Imported before the baseline so that only the model and its inference are counted.
    if suffix == ".onnx":
        import onnxruntime  # type: ignore[import-untyped]  # noqa: F401  # ships no type information
    else:
        import sklearn  # noqa: F401
        import skops.io  # type: ignore[import-untyped]  # noqa: F401  # ships no type information


def encode_feeds(feeds: Mapping[str, npt.NDArray[Any]]) -> dict[str, dict[str, Any]]:
    """Model inputs as JSON-ready dtype, shape and values."""
    return {
        name: {"dtype": str(array.dtype), "shape": list(array.shape), "values": array.tolist()}
        for name, array in feeds.items()
    }


def decode_feeds(encoded: Mapping[str, Mapping[str, Any]]) -> dict[str, npt.NDArray[Any]]:
    """The inverse of :func:`encode_feeds` (float values round-trip exactly through JSON)."""
    return {
        name: np.array(item["values"], dtype=np.dtype(item["dtype"])).reshape(item["shape"])
        for name, item in encoded.items()
    }


def measure_in_this_process(request: Mapping[str, Any]) -> int:
    """Child side: peak bytes above the baseline to load the model and score the batch."""
    from mlgate.checks.model.stability.models import load_model

    path = Path(request["path"])
    _import_runtime(path.suffix.lower())
    feeds = decode_feeds(request["feeds"])
    baseline = _status_bytes("VmRSS")
    CLEAR_REFS.write_text(RESET_PEAK)
    model = load_model(path, request["trusted"])
    model.run(feeds, request["output"])
    return max(_status_bytes("VmHWM") - baseline, 0)


def peak_memory(
    path: Path,
    trusted: Sequence[str],
    feeds: Mapping[str, npt.NDArray[Any]],
    output: str,
    timeout: float = TIMEOUT_SECONDS,
) -> int:
    """Peak bytes above a fresh interpreter's baseline to load ``path`` and score ``feeds``."""
    request = {
        "path": str(path.resolve()),
        "trusted": list(trusted),
        "output": output,
        "feeds": encode_feeds(feeds),
    }
    try:
        done = subprocess.run(  # noqa: S603  # our own module on our own interpreter
            [sys.executable, "-m", __name__],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ModelInputError(
            f"{path.name}: peak-memory probe timed out after {timeout:g}s"
        ) from None
    except OSError as error:
        raise ModelInputError(f"{path.name}: cannot start the peak-memory probe: {error}") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise ModelInputError(
            f"{path.name}: peak-memory probe failed: {reason[:_ERROR_CHARS]}"
        ) from None
    if "error" in answer:
        raise ModelInputError(f"{path.name}: peak-memory probe failed: {answer['error']}")
    return int(answer["peak"])


def main() -> None:
    """Child entry point: a JSON request on stdin, a JSON answer on stdout."""
    try:
        answer: dict[str, object] = {"peak": measure_in_this_process(json.load(sys.stdin))}
    except Exception as error:  # noqa: BLE001  # the parent turns any failure into an error
        answer = {"error": f"{type(error).__name__}: {error}"[:_ERROR_CHARS]}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
