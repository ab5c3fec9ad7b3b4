"""Labelled artifacts corpus: payloads per technique family, and benign framework files.

Payloads are generated; benign cases include files the real numpy, pandas, scikit-learn
and joblib write at run time, and the only checked-in binaries: small files torch,
xgboost and lightgbm wrote (``real/``, see scripts/make_real_benign.py), since the test
environment does not install those libraries. Payload arguments are harmless
(``"true"``) and nothing here is ever loaded. A malicious case counts as detected when
the scan of its file yields a blocking finding (high or critical) or an error; a
benign case is a false positive when it yields any finding of medium or above, or an
error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
from builders.real_artifacts import real_artifacts


@dataclass(frozen=True, slots=True)
class Case:
    """One file of the corpus."""

    family: str
    name: str
    filename: str
    data: bytes
    malicious: bool


GADGETS: tuple[tuple[str, str], ...] = (
    ("os", "system"), ("posix", "system"), ("nt", "system"), ("subprocess", "Popen"),
    ("subprocess", "check_output"), ("builtins", "eval"), ("builtins", "exec"),
    ("builtins", "compile"), ("builtins", "getattr"), ("builtins", "__import__"),
    ("builtins", "open"), ("runpy", "run_path"), ("importlib", "import_module"),
    ("pip", "main"), ("operator", "methodcaller"), ("operator", "attrgetter"),
    ("inspect", "getattr_static"), ("torch.utils.collect_env", "run"), ("webbrowser", "open"),
    ("socket", "create_connection"), ("ctypes", "CDLL"), ("pty", "spawn"), ("shutil", "rmtree"),
    ("code", "InteractiveInterpreter"), ("codeop", "compile_command"), ("marshal", "loads"),
    ("types", "FunctionType"), ("types", "CodeType"), ("functools", "partial"),
    ("numpy.core", "_ufunc_reconstruct"), ("numpy.testing._private.utils", "runstring"),
    ("torch", "load"), ("pickle", "loads"), ("timeit", "timeit"), ("pdb", "run"),
    ("asyncio.subprocess", "create_subprocess_shell"), ("urllib.request", "urlopen"),
)  # fmt: skip


def _gadget_cases() -> Iterator[Case]:
    for module, name in GADGETS:
        for proto in (0, 2):
            yield Case(
                "gadget-global",
                f"{module}.{name}-p{proto}",
                "model.pkl",
                pk.call_global(module, name, proto=proto),
                True,
            )
        yield Case(
            "stack-global",
            f"{module}.{name}",
            "model.pkl",
            pk.call_stack_global(module, name),
            True,
        )


def _opcode_cases() -> Iterator[Case]:
    yield Case("inst-obj", "inst-os-system", "model.pkl", pk.call_inst("os", "system"), True)
    yield Case(
        "inst-obj", "inst-subprocess", "model.pkl", pk.call_inst("subprocess", "getoutput"), True
    )
    yield Case("inst-obj", "obj-popen", "model.pkl", pk.call_obj("subprocess", "Popen"), True)
    yield Case("inst-obj", "obj-eval", "model.pkl", pk.call_obj("builtins", "eval"), True)
    yield Case("computed", "str-module", "model.pkl", pk.computed_global(), True)
    yield Case("extension", "ext-after-add-extension", "model.pkl", pk.extension_payload(), True)
    yield Case("extension", "ext-unregistered", "model.pkl", pk.unregistered_extension(), True)
    yield Case("memo", "memo-put-get", "model.pkl", pk.memo_payload(), True)
    yield Case("build-on-global", "torch-utils", "model.pkl", pk.build_on_global(), True)
    yield Case(
        "py2-names",
        "builtin-eval",
        "model.pkl",
        pk.call_global("__builtin__", "eval", proto=0),
        True,
    )
    yield Case(
        "py2-names", "commands", "model.pkl", pk.call_global("commands", "getoutput", proto=1), True
    )
    yield Case(
        "dotted-names",
        "zipfile-os-system",
        "model.pkl",
        pk.call_stack_global("zipfile", "os.system"),
        True,
    )
    yield Case(
        "dotted-names",
        "torch-utils-collect-env",
        "model.pkl",
        pk.call_stack_global("torch.utils", "collect_env.run"),
        True,
    )
    late = (
        pk.PickleWriter()
        .mark()
        .raw(b"\x80\x02")
        .raw(pk.call_global("os", "system", proto=0)[1:])
        .data
    )
    yield Case("proto-anywhere", "proto-after-mark", "model.pkl", late, True)


def _stream_cases() -> Iterator[Case]:
    payload = pk.call_global("os", "system")
    benign = bp.estimator("sklearn.linear_model._logistic", "LogisticRegression")
    yield Case(
        "broken-stream", "payload-then-garbage", "model.pkl", payload[:-1] + b"\x00garbage", True
    )
    yield Case("broken-stream", "payload-truncated", "model.pkl", payload[:-1], True)
    yield Case(
        "broken-stream", "broken-first-then-payload", "model.pkl", b"\x80\x04\xff" + payload, True
    )
    yield Case("multi-pickle", "benign-then-payload", "model.pkl", benign + payload, True)
    yield Case(
        "multi-pickle", "benign-then-broken-payload", "model.pkl", benign + payload[:-1], True
    )
    yield Case("odd-extension", "pickle-as-safetensors", "model.safetensors", payload, True)
    yield Case("odd-extension", "pickle-as-txt", "weights.txt", payload, True)
    yield Case("odd-extension", "pickle-as-npy", "weights.npy", payload, True)
    yield Case(
        "odd-extension", "protocol0-no-extension", "weights", pk.call_inst("os", "system"), True
    )
    yield Case("legacy-torch", "payload-main", "model.pt", bp.torch_legacy(payload), True)


def _container_cases() -> Iterator[Case]:
    payload = pk.call_global("os", "system")
    member = "archive/data.pkl"
    yield Case("torch-zip", "data-pkl", "model.pt", zb.torch_zip(payload), True)
    yield Case(
        "torch-zip", "data-pkl-deflated", "model.pt", zb.torch_zip(payload, deflate=True), True
    )
    yield Case(
        "torch-zip",
        "odd-member-name",
        "model.pt",
        zb.make_zip([zb.Member(name="archive/extra.bin", data=payload)]),
        True,
    )
    yield Case("zip-tricks", "bad-crc", "model.pt", zb.torch_zip(payload, bad_crc=True), True)
    yield Case("zip-tricks", "descriptor", "model.pt", zb.torch_zip(payload, descriptor=True), True)
    yield Case(
        "zip-tricks",
        "name-mismatch",
        "model.pt",
        zb.make_zip([zb.Member(name=member, data=payload, central_name="archive/x")]),
        True,
    )
    yield Case(
        "zip-tricks",
        "local-only",
        "model.pt",
        zb.make_zip(
            [
                zb.Member(name="a.txt", data=b"x"),
                zb.Member(name=member, data=payload, in_central=False),
            ]
        ),
        True,
    )
    yield Case(
        "zip-tricks",
        "prefixed",
        "model.pt",
        zb.make_zip([zb.Member(name=member, data=payload)], prefix=b"MZ" + bytes(64)),
        True,
    )
    yield Case(
        "zip-tricks",
        "zip64",
        "model.pt",
        zb.make_zip([zb.Member(name=member, data=payload)], zip64=True),
        True,
    )
    yield Case(
        "zip-tricks",
        "polyglot-pickle-then-zip",
        "model.pt",
        payload + zb.torch_zip(bp.torch_state_dict()),
        True,
    )
    inner = zb.torch_zip(payload)
    yield Case(
        "nested",
        "zip-in-zip",
        "bundle.zip",
        zb.make_zip([zb.Member(name="models/model.pt", data=inner)]),
        True,
    )
    yield Case("nested", "tar-of-zip", "bundle.tar", zb.make_tar({"model.pt": inner}), True)
    yield Case(
        "nested",
        "legacy-torch-tar",
        "model.pt",
        zb.make_tar({"pickle": payload, "sys_info": bp.torch_state_dict()}),
        True,
    )
    for codec in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        yield Case("compressed-joblib", codec, "model.joblib", zb.compress(payload, codec), True)
        yield Case(
            "compressed-joblib", f"{codec}-as-pkl", "model.pkl", zb.compress(payload, codec), True
        )
    linked = zb.lz4_frame(bp.joblib_arrays(3) + payload, zb.Lz4Options(independent=False))
    yield Case("compressed-joblib", "lz4-linked-blocks", "model.joblib", linked, True)


def _numpy_cases() -> Iterator[Case]:
    payload = pk.call_global("os", "system", proto=3)
    yield Case("numpy-object", "npy-v1", "x.npy", zb.npy("|O", (2,), payload), True)
    yield Case("numpy-object", "npy-v3", "x.npy", zb.npy("|O", (2,), payload, version=3), True)
    yield Case(
        "numpy-object", "structured-object", "x.npy", zb.npy([("a", "|O")], (2,), payload), True
    )
    yield Case(
        "numpy-object",
        "npz-member",
        "x.npz",
        zb.make_zip([zb.Member(name="arr_0.npy", data=zb.npy("|O", (1,), payload))]),
        True,
    )


def _joblib_cases() -> Iterator[Case]:
    w = pk.PickleWriter().proto(4).empty_dict().mark().text("a")
    bp.joblib_wrapper(w, 3, aligned=False, proto=4)
    hidden = w.data
    # Overwrite the 24 array bytes with opcodes a plain pickle.load would run.
    smuggled = pk.PickleWriter().glob("os", "system").text("true").tuple_n(1).reduce().pop().data
    smuggled = smuggled + b"N0" * ((24 - len(smuggled)) // 2)
    yield Case(
        "joblib-differential",
        "opcodes-in-array-bytes",
        "model.pkl",
        hidden[:-24] + smuggled[:24] + b"u.",
        True,
    )
    w2 = pk.PickleWriter().proto(4).empty_dict().mark().text("a")
    bp.numpy_dtype(
        w2.stack_global("joblib.numpy_pickle", "NumpyArrayWrapper")
        .empty_tuple_newobj()
        .empty_dict()
        .mark()
        .text("subclass")
        .stack_global("numpy", "ndarray")
        .text("shape")
        .int_(2)
        .tuple_n(1)
        .text("dtype"),
        "O8",
        4,
    )
    w2.setitems().build().raw(pk.call_global("os", "system")).setitems().stop()
    yield Case("joblib-differential", "object-array-nested-pickle", "model.joblib", w2.data, True)


def malicious_cases() -> Iterator[Case]:
    """Every payload case, grouped by technique family."""
    yield from _gadget_cases()
    yield from _opcode_cases()
    yield from _stream_cases()
    yield from _container_cases()
    yield from _numpy_cases()
    yield from _joblib_cases()


SKLEARN_MODELS: tuple[tuple[str, str], ...] = (
    ("sklearn.linear_model._logistic", "LogisticRegression"),
    ("sklearn.ensemble._forest", "RandomForestClassifier"),
    ("sklearn.svm._classes", "SVC"),
    ("sklearn.preprocessing._data", "StandardScaler"),
    ("sklearn.decomposition._pca", "PCA"),
    ("sklearn.cluster._kmeans", "KMeans"),
)


def benign_cases() -> Iterator[Case]:
    """Artifacts as the frameworks write them; none may be flagged."""
    for module, name in SKLEARN_MODELS:
        for proto in (2, 4, 5):
            yield Case(
                "benign-sklearn",
                f"{name}-p{proto}",
                "model.pkl",
                bp.estimator(module, name, proto=proto),
                False,
            )
    for proto in (2, 4, 5):
        yield Case("benign-sklearn", f"pipeline-p{proto}", "model.pkl", bp.pipeline(proto), False)
        yield Case("benign-sklearn", f"tree-p{proto}", "model.pkl", bp.tree_estimator(proto), False)
        yield Case("benign-pandas", f"dataframe-p{proto}", "frame.pkl", bp.dataframe(proto), False)
        yield Case(
            "benign-boosting", f"xgb-p{proto}", "model.pkl", bp.boosting_wrapper(proto), False
        )
    yield from _benign_torch()
    yield from _benign_joblib()
    yield from _benign_misc()
    for made in real_artifacts():
        yield Case(made.family, made.name, made.filename, made.data, False)
    yield from committed_real_cases()


# Files torch, xgboost and lightgbm wrote (scripts/make_real_benign.py): the test
# environment does not install them, so their bytes are committed, never loaded.
REAL_DIR = Path(__file__).resolve().parent / "real"
_REAL_FAMILIES = {"torch": "real-torch", "xgb": "real-xgboost", "lgbm": "real-lightgbm"}


def committed_real_cases() -> Iterator[Case]:
    """The committed files of real libraries, named as their writer named them."""
    for path in sorted(REAL_DIR.iterdir()):
        family = _REAL_FAMILIES.get(path.name.split("-", 1)[0])
        if family is not None:
            yield Case(family, path.stem, path.name, path.read_bytes(), False)


def _benign_torch() -> Iterator[Case]:
    for tensors in (1, 4):
        yield Case(
            "benign-torch",
            f"state-dict-{tensors}",
            "model.pt",
            zb.torch_zip(bp.torch_state_dict(tensors), storages=tensors),
            False,
        )
    yield Case(
        "benign-torch",
        "checkpoint",
        "ckpt.pth",
        zb.torch_zip(bp.torch_parameter_checkpoint()),
        False,
    )
    yield Case(
        "benign-torch",
        "custom-root",
        "model.bin",
        zb.torch_zip(bp.torch_state_dict(2), root="pytorch_model", storages=2),
        False,
    )
    yield Case("benign-torch", "legacy", "model.pt", bp.torch_legacy(bp.torch_state_dict(1)), False)


def _benign_joblib() -> Iterator[Case]:
    for aligned in (True, False):
        raw = bp.joblib_arrays(3, aligned=aligned)
        yield Case("benign-joblib", f"arrays-aligned-{aligned}", "model.joblib", raw, False)
        for codec in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
            yield Case(
                "benign-joblib",
                f"{codec}-aligned-{aligned}",
                "model.joblib",
                zb.compress(raw, codec),
                False,
            )


def _benign_misc() -> Iterator[Case]:
    import pickle

    plain = {"lr": 0.1, "layers": [64, 32], "names": ("a", "b"), "ids": {1, 2}, "blob": b"x" * 300}
    for proto in range(6):
        yield Case(
            "benign-python",
            f"config-p{proto}",
            "config.pkl",
            pickle.dumps(plain, protocol=proto),
            False,
        )
    floats = b"".join(bytes([i % 251]) * 8 for i in range(16))
    yield Case("benign-numpy", "npy-v1", "w.npy", zb.npy("<f8", (16,), floats), False)
    yield Case("benign-numpy", "npy-v2", "w.npy", zb.npy("<f8", (16,), floats, version=2), False)
    yield Case(
        "benign-numpy",
        "npy-structured",
        "w.npy",
        zb.npy([("Offset", "<f8")], (16,), floats),
        False,
    )
    yield Case(
        "benign-numpy",
        "npz",
        "w.npz",
        zb.make_zip([zb.Member(name="arr_0.npy", data=zb.npy("<f8", (16,), floats), deflate=True)]),
        False,
    )
    yield Case(
        "benign-safetensors", "plain", "model.safetensors", zb.safetensors({"format": "pt"}), False
    )
    keras = zb.make_zip(
        [
            zb.Member(name="config.json", data=b'{"class_name": "Sequential"}'),
            zb.Member(name="metadata.json", data=b"{}"),
        ]
    )
    yield Case("benign-keras", "keras-v3", "model.keras", keras, False)
    yield Case("benign-text", "readme", "README.md", b"# model card\n\nTrained nightly.\n", False)
