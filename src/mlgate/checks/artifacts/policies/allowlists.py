"""Per-framework allowlists: the globals benign artifacts of each kind reference.

Exact ``module.name`` pairs after protocol < 3 name mapping; no prefixes, because one
allowlisted module prefix would admit every function in it. Anything not listed blocks;
teams extend the list on purpose through ``allow_globals`` in their policy file.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Framework(StrEnum):
    """Allowlist families a policy can activate."""

    PYTHON = "python"
    NUMPY = "numpy"
    TORCH = "torch"
    SKLEARN = "sklearn"
    PANDAS = "pandas"
    BOOSTING = "boosting"
    JOBLIB = "joblib"


def _names(module: str, *names: str) -> frozenset[str]:
    return frozenset(f"{module}.{name}" for name in names)


_PYTHON = (
    _names(
        "builtins",
        "set",
        "frozenset",
        "bytearray",
        "bytes",
        "slice",
        "complex",
        "object",
        "range",
        "list",
        "dict",
        "tuple",
        "int",
        "float",
        "str",
        "bool",
    )
    | _names("collections", "OrderedDict", "defaultdict", "deque", "Counter")
    | _names("copyreg", "_reconstructor")
    | _names("_codecs", "encode")
    | _names("datetime", "datetime", "date", "time", "timedelta", "timezone")
    | _names("decimal", "Decimal")
    | _names("fractions", "Fraction")
    | _names("uuid", "UUID")
)

_NUMPY = (
    frozenset(
        f"{core}.{name}"
        for core in ("numpy.core.multiarray", "numpy._core.multiarray")
        for name in ("_reconstruct", "scalar")
    )
    | _names("numpy", "ndarray", "dtype", "matrix")
    # Scalars pickle as their type (``numpy.float64``) plus raw bytes: scikit-learn keeps
    # some fitted attributes (a TF-IDF dtype, a column transformer's fill value) as them.
    | _names(
        "numpy",
        "float16",
        "float32",
        "float64",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "bool_",
        "str_",
        "bytes_",
        "complex64",
        "complex128",
        "datetime64",
        "timedelta64",
    )
    | _names("numpy.core.numeric", "_frombuffer")
    | _names("numpy._core.numeric", "_frombuffer")
    | _names("numpy.ma.core", "_mareconstruct", "MaskedArray")
    | _names(
        "numpy.random._pickle", "__randomstate_ctor", "__bit_generator_ctor", "__generator_ctor"
    )
    | _names("numpy.random.mtrand", "RandomState")
    | _names("numpy.random._mt19937", "MT19937")
    | _names("numpy.random._pcg64", "PCG64")
    | _names("numpy.random.bit_generator", "SeedSequence", "__pyx_unpickle_SeedSequence")
)

_TORCH_STORAGES = _names(
    "torch",
    "FloatStorage",
    "DoubleStorage",
    "HalfStorage",
    "BFloat16Storage",
    "LongStorage",
    "IntStorage",
    "ShortStorage",
    "CharStorage",
    "ByteStorage",
    "BoolStorage",
    "ComplexFloatStorage",
    "ComplexDoubleStorage",
    "QInt8Storage",
    "QUInt8Storage",
    "QInt32Storage",
    "QUInt4x2Storage",
    "QUInt2x4Storage",
    "UntypedStorage",
)
_TORCH_DTYPES = _names(
    "torch",
    "float32",
    "float64",
    "float16",
    "bfloat16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
    "complex64",
    "complex128",
    "Size",
    "device",
    "strided",
    "sparse_coo",
    "per_tensor_affine",
    "per_channel_affine",
)
# ``torch.save(model)`` pickles stock layers by class (NEWOBJ, then BUILD of their
# ``__dict__``): constructing one runs no code beyond ``object.__new__``. Only stock
# ``torch.nn`` classes; a team's own modules are added through ``allow_globals``.
_TORCH_MODULES = (
    _names("torch.nn.modules.container", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
           "ParameterDict")
    | _names("torch.nn.modules.linear", "Linear", "Identity", "Bilinear", "LazyLinear")
    | _names("torch.nn.modules.conv", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
             "ConvTranspose2d", "ConvTranspose3d")
    | _names("torch.nn.modules.activation", "ReLU", "ReLU6", "LeakyReLU", "GELU", "SiLU",
             "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "ELU", "PReLU", "Mish", "Hardswish",
             "MultiheadAttention")
    | _names("torch.nn.modules.batchnorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d")
    | _names("torch.nn.modules.normalization", "LayerNorm", "GroupNorm", "RMSNorm")
    | _names("torch.nn.modules.dropout", "Dropout", "Dropout1d", "Dropout2d", "AlphaDropout")
    | _names("torch.nn.modules.sparse", "Embedding", "EmbeddingBag")
    | _names("torch.nn.modules.rnn", "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell")
    | _names("torch.nn.modules.pooling", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
             "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d")
    | _names("torch.nn.modules.flatten", "Flatten", "Unflatten")
    | _names("torch.nn.modules.transformer", "Transformer", "TransformerEncoder",
             "TransformerEncoderLayer", "TransformerDecoder", "TransformerDecoderLayer")
    | _names("torch.nn.modules.linear", "NonDynamicallyQuantizableLinear")
)  # fmt: skip
_TORCH = (
    _TORCH_STORAGES
    | _TORCH_DTYPES
    | _names(
        "torch._utils",
        "_rebuild_tensor",
        "_rebuild_tensor_v2",
        "_rebuild_tensor_v3",
        "_rebuild_parameter",
        "_rebuild_parameter_with_state",
        "_rebuild_qtensor",
        "_rebuild_sparse_tensor",
        "_rebuild_meta_tensor_no_storage",
        "_rebuild_wrapper_subclass",
        "_rebuild_device_tensor_from_numpy",
        "_rebuild_nested_tensor",
    )
    | _names("torch._tensor", "_rebuild_from_type_v2")
    | _names("torch.nn.parameter", "Parameter")
    | _names("torch.serialization", "_get_layout")
    | _names("collections", "OrderedDict")
    | _TORCH_MODULES
)

_SKLEARN = (
    _names("sklearn.linear_model._logistic", "LogisticRegression")
    | _names("sklearn.linear_model._base", "LinearRegression")
    | _names("sklearn.linear_model._ridge", "Ridge", "RidgeClassifier")
    | _names("sklearn.linear_model._stochastic_gradient", "SGDClassifier", "SGDRegressor")
    | _names("sklearn.linear_model._coordinate_descent", "Lasso", "ElasticNet")
    | _names("sklearn.tree._classes", "DecisionTreeClassifier", "DecisionTreeRegressor")
    | _names("sklearn.tree._tree", "Tree")
    | _names(
        "sklearn.ensemble._forest",
        "RandomForestClassifier",
        "RandomForestRegressor",
        "ExtraTreesClassifier",
        "ExtraTreesRegressor",
    )
    | _names("sklearn.ensemble._gb", "GradientBoostingClassifier", "GradientBoostingRegressor")
    | _names(
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting",
        "HistGradientBoostingClassifier",
        "HistGradientBoostingRegressor",
    )
    | _names("sklearn.ensemble._gb_losses", "BinomialDeviance", "LeastSquaresError")
    | _names("sklearn._loss.loss", "HalfBinomialLoss", "HalfSquaredError", "HalfMultinomialLoss")
    # The Cython loss objects gradient boosting keeps since scikit-learn 1.1.
    | _names(
        "sklearn._loss._loss",
        "CyHalfBinomialLoss",
        "CyHalfSquaredError",
        "CyHalfMultinomialLoss",
        "CyAbsoluteError",
        "CyHalfPoissonLoss",
        "CyHuberLoss",
        "CyPinballLoss",
        "CyExponentialLoss",
    )
    | _names("sklearn._loss.link", "LogitLink", "IdentityLink", "Interval")
    | _names("sklearn.ensemble._hist_gradient_boosting.binning", "_BinMapper")
    | _names("sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor")
    | _names("sklearn.dummy", "DummyClassifier", "DummyRegressor")
    # Neighbour trees rebuild through ``newObj(cls)`` = ``cls.__new__(cls)``: no more
    # power than the NEWOBJ opcode, and any class it could reach is judged on its own.
    | _names("sklearn.neighbors._kd_tree", "KDTree", "newObj")
    | _names("sklearn.neighbors._ball_tree", "BallTree", "newObj")
    | _names(
        "sklearn.metrics._dist_metrics",
        "newObj",
        "EuclideanDistance64",
        "ManhattanDistance64",
        "MinkowskiDistance64",
        "ChebyshevDistance64",
    )
    | _names("sklearn.svm._classes", "SVC", "SVR", "LinearSVC")
    | _names("sklearn.neighbors._classification", "KNeighborsClassifier")
    | _names("sklearn.naive_bayes", "GaussianNB", "MultinomialNB")
    | _names("sklearn.preprocessing._data", "StandardScaler", "MinMaxScaler", "RobustScaler")
    | _names("sklearn.preprocessing._encoders", "OneHotEncoder", "OrdinalEncoder")
    | _names("sklearn.preprocessing._label", "LabelEncoder")
    | _names("sklearn.impute._base", "SimpleImputer")
    | _names("sklearn.decomposition._pca", "PCA")
    | _names("sklearn.cluster._kmeans", "KMeans")
    | _names("sklearn.pipeline", "Pipeline", "FeatureUnion")
    | _names("sklearn.compose._column_transformer", "ColumnTransformer")
    | _names(
        "sklearn.feature_extraction.text", "TfidfVectorizer", "CountVectorizer", "TfidfTransformer"
    )
    | _names("sklearn.utils._bunch", "Bunch")
)

_PANDAS = (
    _names("pandas.core.frame", "DataFrame")
    | _names("pandas.core.series", "Series")
    | (_names("pandas.core.internals.managers", "BlockManager", "SingleBlockManager"))
    | _names("pandas.core.internals.blocks", "new_block", "Block")
    | _names("pandas._libs.internals", "_unpickle_block", "BlockPlacement")
    | _names("pandas.core.indexes.base", "_new_Index", "Index")
    | _names("pandas.core.indexes.range", "RangeIndex")
    | _names("pandas.core.indexes.multi", "MultiIndex")
    | _names("pandas.core.arrays.categorical", "Categorical")
    | _names("pandas.core.dtypes.dtypes", "CategoricalDtype")
    | _names("pandas._libs.tslibs.timestamps", "_unpickle_timestamp")
    | _names("pandas.core.indexes.datetimes", "_new_DatetimeIndex")
    # pandas 3 pickles through its public names and arrow-backed string arrays.
    | _names(
        "pandas",
        "DataFrame",
        "Series",
        "Index",
        "RangeIndex",
        "MultiIndex",
        "DatetimeIndex",
        "Categorical",
        "CategoricalDtype",
        "CategoricalIndex",
        "TimedeltaIndex",
        "PeriodIndex",
        "IntervalIndex",
        "StringDtype",
        "Timestamp",
        "Timedelta",
    )
    | _names(
        "pandas.arrays",
        "ArrowStringArray",
        "DatetimeArray",
        "TimedeltaArray",
        "StringArray",
        "NumpyExtensionArray",
        "IntegerArray",
        "FloatingArray",
        "BooleanArray",
    )
    | _names("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked")
    | _names("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle")
    | _names("pyarrow.lib", "_restore_array", "type_for_alias", "py_buffer")
)

_BOOSTING = (
    _names("xgboost.sklearn", "XGBClassifier", "XGBRegressor", "XGBRanker")
    | _names("xgboost.core", "Booster")
    | _names("lightgbm.sklearn", "LGBMClassifier", "LGBMRegressor", "LGBMRanker")
    | _names("lightgbm.basic", "Booster")
)

_JOBLIB = _names("joblib.numpy_pickle", "NumpyArrayWrapper") | _names(
    "sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper"
)

ALLOWLISTS: dict[Framework, frozenset[str]] = {
    Framework.PYTHON: _PYTHON,
    Framework.NUMPY: _NUMPY,
    Framework.TORCH: _TORCH,
    Framework.SKLEARN: _SKLEARN,
    Framework.PANDAS: _PANDAS,
    Framework.BOOSTING: _BOOSTING,
    Framework.JOBLIB: _JOBLIB,
}


# ``torch.jit.load`` reads a TorchScript archive's pickles with its own unpickler, which
# resolves ``__torch__.*`` only to classes compiled from the archive's ``code/`` and
# otherwise knows a closed set of builders; Python's unpickler cannot import
# ``__torch__`` at all. These are admitted only inside a TorchScript archive.
TORCHSCRIPT_BUILDERS = _names(
    "torch.jit._pickle",
    "build_intlist",
    "build_tensorlist",
    "build_doublelist",
    "build_boollist",
    "build_tensor_from_id",
    "restore_type_tag",
)
_TORCHSCRIPT_CLASS = re.compile(r"__torch__(\.[A-Za-z_][A-Za-z0-9_]*)+")


def is_torchscript_global(qualname: str) -> bool:
    """Whether a TorchScript archive's own unpickler resolves ``qualname`` by itself."""
    return qualname in TORCHSCRIPT_BUILDERS or bool(_TORCHSCRIPT_CLASS.fullmatch(qualname))


def active_allowlist(frameworks: list[Framework], extra: list[str]) -> frozenset[str]:
    """The union of the chosen frameworks' allowlists and the team's own entries."""
    chosen = frozenset().union(*(ALLOWLISTS[framework] for framework in frameworks))
    return chosen | frozenset(extra)
