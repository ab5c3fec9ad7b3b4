"""Write small benign artifacts with the real torch, xgboost and lightgbm.

The test environment does not install these heavy libraries, so their files are made
once, by hand, in a scratch environment outside the repository, and the small outputs
are committed under ``tests/corpus/artifacts/real/``::

    python3 -m venv /tmp/venv-realml
    /tmp/venv-realml/bin/pip install torch xgboost lightgbm scikit-learn
    /tmp/venv-realml/bin/python scripts/make_real_benign.py

Data and seeds are fixed, so a rerun writes equivalent files (torch stamps a random
serialization id, so not identical bytes); every file stays well under 100 KB. Tests
only read the bytes of these files; nothing ever loads them back. ``MANIFEST.txt``
records which library versions wrote them.
"""

from __future__ import annotations

import io
import pickle
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import joblib  # type: ignore[import-untyped]
import lightgbm  # type: ignore[import-not-found]
import numpy as np
import torch  # type: ignore[import-not-found]
import xgboost  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "artifacts" / "real"
MAX_BYTES = 100 * 1024
_ROWS = 80


def _torch_save(obj: object, *, legacy: bool = False) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=not legacy)
    return buffer.getvalue()


def _small_net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 2)
    )


def _trained() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    net = _small_net()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    x = torch.randn(16, 4)
    loss = net(x).pow(2).mean()
    loss.backward()
    optimizer.step()
    return net, optimizer


def _relative_sources() -> None:
    """Make TorchScript record source paths relative to site-packages.

    A scripted module's debug info names every source file it compiled; an absolute
    path would commit this machine's layout into the corpus.
    """
    import torch._jit_internal as jit_internal  # type: ignore[import-not-found]
    import torch._sources as sources  # type: ignore[import-not-found]

    original = sources.get_source_lines_and_file
    root = Path(torch.__file__).resolve().parent.parent

    def relative(obj: object, error_msg: str | None = None) -> tuple[list[str], int, str | None]:
        lines, lineno, filename = original(obj, error_msg)
        if filename is not None:
            path = Path(filename).resolve()
            filename = str(path.relative_to(root)) if path.is_relative_to(root) else path.name
        return lines, lineno, filename

    sources.get_source_lines_and_file = relative
    jit_internal.get_source_lines_and_file = relative


def _torch_files() -> Iterator[tuple[str, bytes]]:
    _relative_sources()
    net, optimizer = _trained()
    yield "torch-state-dict.pt", _torch_save(net.state_dict())
    yield "torch-state-dict-legacy.pt", _torch_save(net.state_dict(), legacy=True)
    yield "torch-optimizer.pt", _torch_save(optimizer.state_dict())
    checkpoint = {
        "epoch": 3,
        "model_state_dict": net.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": torch.tensor(0.25),
        "history": [0.9, 0.5, 0.25],
    }
    yield "torch-checkpoint.pth", _torch_save(checkpoint)
    yield "torch-checkpoint-legacy.pth", _torch_save(checkpoint, legacy=True)
    # A whole module pickles its classes by reference: still stock torch.nn only.
    yield "torch-full-module.pt", _torch_save(net)
    half = {k: v.half() for k, v in net.state_dict().items() if v.is_floating_point()}
    yield "torch-state-dict-fp16.bin", _torch_save(half)
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(net), buffer)
    yield "torch-torchscript.pt", buffer.getvalue()


def _features() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(_ROWS, 4))
    y = (x[:, 0] + rng.normal(scale=0.5, size=_ROWS) > 0).astype(int)
    return x, y


def _joblib_bytes(obj: object) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def _boosting_files() -> Iterator[tuple[str, bytes]]:
    x, y = _features()
    xgb = xgboost.XGBClassifier(n_estimators=3, max_depth=2, random_state=0).fit(x, y)
    xgb_reg = xgboost.XGBRegressor(n_estimators=3, max_depth=2, random_state=0).fit(x, x[:, 1])
    lgb = lightgbm.LGBMClassifier(n_estimators=3, num_leaves=4, verbose=-1).fit(x, y)
    lgb_reg = lightgbm.LGBMRegressor(n_estimators=3, num_leaves=4, verbose=-1).fit(x, x[:, 1])
    for name, model in (
        ("xgb-classifier", xgb),
        ("xgb-regressor", xgb_reg),
        ("lgbm-classifier", lgb),
        ("lgbm-regressor", lgb_reg),
    ):
        yield f"{name}.joblib", _joblib_bytes(model)
        yield f"{name}.pkl", pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    yield "xgb-booster.pkl", pickle.dumps(xgb.get_booster(), protocol=4)
    yield "lgbm-booster.pkl", pickle.dumps(lgb.booster_, protocol=4)
    for suffix in ("ubj", "json"):
        path = OUT / f"xgb-booster.{suffix}"
        xgb.get_booster().save_model(str(path))
        yield path.name, path.read_bytes()
    yield "lgbm-booster.txt", lgb.booster_.model_to_string().encode()


def _versions() -> str:
    libraries: dict[str, Callable[[], str]] = {
        "torch": lambda: str(torch.__version__),
        "xgboost": lambda: str(xgboost.__version__),
        "lightgbm": lambda: str(lightgbm.__version__),
        "joblib": lambda: str(joblib.__version__),
        "numpy": lambda: str(np.__version__),
    }
    return "\n".join(f"{name} {version()}" for name, version in libraries.items())


def main() -> int:
    """Write every artifact; fail if one grows past the size bound."""
    OUT.mkdir(parents=True, exist_ok=True)
    names = []
    for name, data in (*_torch_files(), *_boosting_files()):
        if len(data) > MAX_BYTES:
            print(f"{name}: {len(data)} bytes exceeds {MAX_BYTES}", file=sys.stderr)
            return 1
        (OUT / name).write_bytes(data)
        names.append(f"{name} {len(data)}")
    manifest = f"# written by scripts/make_real_benign.py with\n{_versions()}\n\n"
    (OUT / "MANIFEST.txt").write_text(manifest + "\n".join(sorted(names)) + "\n")
    print(f"{len(names)} files in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
