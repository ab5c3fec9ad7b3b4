"""Benign artifacts as torch, numpy, scikit-learn, pandas and joblib write them.

Those libraries are not installed here, so each builder reproduces their opcode
sequences: torch's ``data.pkl`` (protocol 2, ``_rebuild_tensor_v2`` + BINPERSID storage
tuples), numpy's ``_reconstruct`` + ``dtype`` BUILD states, scikit-learn estimators as
NEWOBJ + BUILD of ``__dict__``, joblib's ``NumpyArrayWrapper`` followed by raw bytes.
"""

from __future__ import annotations

import struct

from builders.pickles import PickleWriter, framed

TORCH_MAGIC = 0x1950A86A20F9469CFC6C


def _global(w: PickleWriter, module: str, name: str, proto: int) -> PickleWriter:
    return w.stack_global(module, name) if proto >= 4 else w.glob(module, name)


def numpy_dtype(w: PickleWriter, typestr: str, proto: int) -> PickleWriter:
    """``numpy.dtype(typestr, False, True)`` + BUILD of its version 3 state."""
    _global(w, "numpy", "dtype", proto).text(typestr).bool_(False).bool_(True).tuple_n(3)
    w.reduce().memoize() if proto >= 4 else w.reduce()
    w.mark().int_(3).text("<").none().none().none().int_(-1).int_(-1).int_(0).tuple_()
    return w.build()


def numpy_array(
    w: PickleWriter, values: int, proto: int, *, core: str = "numpy.core"
) -> PickleWriter:
    """An ndarray of ``values`` float64 as ``ndarray.__reduce__`` writes it."""
    _global(w, f"{core}.multiarray", "_reconstruct", proto)
    _global(w, "numpy", "ndarray", proto).int_(0).tuple_n(1)
    w.binbytes(b"b") if proto >= 3 else w.short_binstring(b"b")
    w.tuple_n(3).reduce()
    w.mark().int_(1).int_(values).tuple_n(1)
    numpy_dtype(w, "f8", proto).bool_(False)
    raw = struct.pack(f"<{values}d", *(float(i) / 7 for i in range(values)))
    if proto >= 3:
        w.binbytes(raw)
    else:
        # Protocol 2 writes bytes as _codecs.encode(latin-1 text, "latin1").
        w.glob("_codecs", "encode").binunicode(raw.decode("latin-1")).text("latin1").tuple_n(
            2
        ).reduce()
    return w.tuple_().build()


def estimator(module: str, name: str, *, proto: int = 4, arrays: int = 2) -> bytes:
    """A fitted scikit-learn estimator: NEWOBJ of the class, BUILD of its ``__dict__``."""
    w = PickleWriter()
    _global(w, module, name, proto).empty_tuple_newobj()
    w.empty_dict().mark()
    w.text("C").raw(b"G" + struct.pack(">d", 1.0))
    w.text("n_features_in_").int_(4)
    for index in range(arrays):
        w.text(f"coef{index}_")
        numpy_array(w, 5 + index, proto)
    w.text("_sklearn_version").text("1.5.2")
    return framed(proto, w.setitems().build().stop().data)


def pipeline(proto: int = 4) -> bytes:
    """``Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])``."""
    w = PickleWriter().proto(proto)
    _global(w, "sklearn.pipeline", "Pipeline", proto).empty_tuple_newobj().empty_dict().mark()
    w.text("steps").empty_list().mark()
    for step, (module, name) in (
        ("scale", ("sklearn.preprocessing._data", "StandardScaler")),
        ("clf", ("sklearn.linear_model._logistic", "LogisticRegression")),
    ):
        w.text(step)
        _global(w, module, name, proto).empty_tuple_newobj().empty_dict().text("mean_")
        numpy_array(w, 3, proto).setitem().build().tuple_n(2)
    w.appends().text("memory").none().text("_sklearn_version").text("1.5.2")
    return w.setitems().build().stop().data


def tree_estimator(proto: int = 4) -> bytes:
    """A decision tree: the Cython ``Tree`` reduces to (cls, args, state) with a nodes array."""
    w = PickleWriter().proto(proto)
    _global(w, "sklearn.tree._classes", "DecisionTreeClassifier", proto).empty_tuple_newobj()
    w.empty_dict().text("tree_")
    _global(w, "sklearn.tree._tree", "Tree", proto).int_(4)
    numpy_array(w, 2, proto).int_(1).tuple_n(3).reduce()
    w.empty_dict().text("max_depth").int_(3).text("nodes")
    numpy_array(w, 8, proto).setitem().build().setitem().build()
    return w.stop().data


def torch_state_dict(tensors: int = 3, proto: int = 2) -> bytes:
    """``archive/data.pkl`` of ``torch.save(model.state_dict())``."""
    w = PickleWriter().proto(proto).glob("collections", "OrderedDict").tuple_n(0).reduce()
    w.binput(0).mark()
    for key in range(tensors):
        w.text(f"layer{key}.weight").glob("torch._utils", "_rebuild_tensor_v2").mark()
        w.mark().text("storage").glob("torch", "FloatStorage").text(str(key)).text("cpu")
        w.int_(12).tuple_().binpersid().int_(0).int_(3).int_(4).tuple_n(2).int_(4).int_(1)
        w.tuple_n(2).bool_(False).glob("collections", "OrderedDict").tuple_n(0).reduce()
        w.tuple_().reduce()
    w.setitems().glob("collections", "OrderedDict").tuple_n(0).reduce().pop()
    return w.stop().data


def torch_parameter_checkpoint() -> bytes:
    """A checkpoint dict with a Parameter, an epoch and an optimizer state."""
    w = PickleWriter().proto(2).empty_dict().mark().text("epoch").int_(7).text("weight")
    w.glob("torch._utils", "_rebuild_parameter").glob("torch._utils", "_rebuild_tensor_v2")
    w.mark().mark().text("storage").glob("torch", "HalfStorage").text("0").text("cuda:0")
    w.int_(4).tuple_().binpersid().int_(0).int_(4).tuple_n(1).int_(1).tuple_n(1).bool_(False)
    w.glob("collections", "OrderedDict").tuple_n(0).reduce().tuple_().reduce()
    w.bool_(True).glob("collections", "OrderedDict").tuple_n(0).reduce().tuple_n(3).reduce()
    w.text("optimizer").empty_dict().text("lr").raw(b"G" + struct.pack(">d", 0.1)).setitem()
    return w.setitems().stop().data


def torch_legacy(main: bytes) -> bytes:
    """The non-zip ``torch.save`` layout: five pickles, then raw storage bytes."""
    magic = PickleWriter().proto(2).int_(TORCH_MAGIC).stop().data
    version = PickleWriter().proto(2).int_(1001).stop().data
    info = PickleWriter().proto(2).empty_dict().mark().text("protocol_version").int_(1001)
    info.text("little_endian").bool_(True).setitems().stop()
    keys = PickleWriter().proto(2).empty_list().mark().text("0").appends().stop().data
    storage = struct.pack("<q", 12) + bytes(range(48))
    return magic + version + info.data + main + keys + storage


def dataframe(proto: int = 5) -> bytes:
    """``pandas.DataFrame``: NDFrame state dict around a BlockManager's state tuple."""
    w = PickleWriter()
    _global(w, "pandas.core.frame", "DataFrame", proto).empty_tuple_newobj().empty_dict()
    w.mark().text("_mgr")
    _global(w, "pandas.core.internals.managers", "BlockManager", proto).empty_tuple_newobj()
    w.mark().empty_list().mark()
    _index(w, "pandas.core.indexes.base", "Index", proto)
    _index(w, "pandas.core.indexes.range", "RangeIndex", proto)
    w.appends().empty_list().mark()
    _global(w, "pandas._libs.internals", "_unpickle_block", proto)
    numpy_array(w, 6, proto)
    _global(w, "builtins", "slice", proto).int_(0).int_(2).int_(1).tuple_n(3).reduce()
    w.int_(2).tuple_n(3).reduce().appends().empty_list().empty_dict().tuple_().build()
    w.text("_typ").text("dataframe").text("attrs").empty_dict()
    return framed(proto, w.setitems().build().stop().data)


def _index(w: PickleWriter, module: str, name: str, proto: int) -> None:
    _global(w, "pandas.core.indexes.base", "_new_Index", proto)
    _global(w, module, name, proto).empty_dict().text("data")
    numpy_array(w, 2, proto).setitem().tuple_n(2).reduce()


def boosting_wrapper(proto: int = 4) -> bytes:
    """An ``XGBClassifier`` whose ``Booster`` carries its raw model bytes."""
    w = PickleWriter().proto(proto)
    _global(w, "xgboost.sklearn", "XGBClassifier", proto).empty_tuple_newobj().empty_dict()
    w.text("_Booster")
    _global(w, "xgboost.core", "Booster", proto).empty_tuple_newobj().empty_dict()
    w.text("handle").binbytes(b"{L\x00\x00\x00" + bytes(200)).setitem().build()
    return w.setitem().build().stop().data


def joblib_arrays(arrays: int = 2, *, aligned: bool = True, proto: int = 4) -> bytes:
    """``joblib.dump`` of a dict of float64 arrays: wrappers with raw bytes inline."""
    w = PickleWriter().proto(proto).empty_dict().mark()
    for index in range(arrays):
        w.text(f"a{index}")
        joblib_wrapper(w, 3 + index, aligned=aligned, proto=proto)
    return w.setitems().stop().data


def joblib_wrapper(w: PickleWriter, values: int, *, aligned: bool, proto: int) -> PickleWriter:
    """One ``NumpyArrayWrapper`` and the array bytes joblib writes after its BUILD."""
    _global(w, "joblib.numpy_pickle", "NumpyArrayWrapper", proto).empty_tuple_newobj()
    w.empty_dict().mark().text("subclass")
    _global(w, "numpy", "ndarray", proto).text("shape").int_(values).tuple_n(1)
    w.text("order").text("C").text("dtype")
    numpy_dtype(w, "f8", proto).text("allow_mmap").bool_(False)
    if aligned:
        w.text("numpy_array_alignment_bytes").int_(16)
    w.setitems().build()
    if aligned:
        padding = 16 - (w.offset() + 1) % 16
        w.raw(bytes([padding]) + b"\xff" * padding)
    return w.raw(struct.pack(f"<{values}d", *(1.5 * i for i in range(values))))
