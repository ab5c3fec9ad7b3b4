"""Settings of the ``model`` check (pydantic; imports nothing heavy)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlgate.core.check import CheckConfig


class PerformanceMetric(StrEnum):
    """Metrics the gate compares: binary classification, then regression (``task``)."""

    ROC_AUC = "roc_auc"
    AVERAGE_PRECISION = "average_precision"
    LOG_LOSS = "log_loss"
    BRIER = "brier"
    ACCURACY = "accuracy"
    PRECISION = "precision"
    RECALL = "recall"
    F1 = "f1"
    ECE = "ece"
    RMSE = "rmse"
    MAE = "mae"
    R2 = "r2"


# Direction is a property of the metric, not a setting: a loss never improves upward.
LOWER_IS_BETTER = frozenset(
    {
        PerformanceMetric.LOG_LOSS,
        PerformanceMetric.BRIER,
        PerformanceMetric.ECE,
        PerformanceMetric.RMSE,
        PerformanceMetric.MAE,
    }
)
REGRESSION_METRICS = frozenset(
    {PerformanceMetric.RMSE, PerformanceMetric.MAE, PerformanceMetric.R2}
)


class FairnessMetric(StrEnum):
    """Fairlearn disparities the gate bounds (a ratio's limit is a floor, e.g. 0.8)."""

    DEMOGRAPHIC_PARITY_DIFFERENCE = "demographic_parity_difference"
    DEMOGRAPHIC_PARITY_RATIO = "demographic_parity_ratio"
    EQUALIZED_ODDS_DIFFERENCE = "equalized_odds_difference"
    EQUAL_OPPORTUNITY_DIFFERENCE = "equal_opportunity_difference"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Columns(_Strict):
    """Which columns hold what."""

    label: str = Field(
        description="Binary label column (0/1 or boolean); the numeric target for regression."
    )
    candidate: str = Field(
        description="Candidate model's probability of the positive class (its prediction "
        "for regression)."
    )
    champion: str | None = Field(
        default=None,
        description="Production model's probability on the same rows; null on the first run "
        "(then only absolute minimums apply, and the report says so).",
    )
    sensitive: list[str] = Field(default_factory=list, description="Sensitive attributes.")
    intersections: list[list[str]] = Field(
        default_factory=list, description="Combinations of sensitive attributes judged jointly."
    )
    numeric_features: list[str] = Field(default_factory=list, description="Numeric features.")
    categorical_features: list[str] = Field(
        default_factory=list, description="Categorical features."
    )

    @model_validator(mode="after")
    def _intersections_use_sensitive(self) -> Columns:
        unknown = {a for group in self.intersections for a in group} - set(self.sensitive)
        if unknown:
            raise ValueError(f"intersections name non-sensitive columns: {sorted(unknown)}")
        return self


class PerformanceRule(_Strict):
    """Limits of one metric; the direction comes from the metric itself."""

    minimum: float | None = Field(
        default=None,
        description="Worst acceptable candidate value (a floor, or a ceiling for losses).",
    )
    max_drop: float | None = Field(
        default=None, ge=0, description="Largest tolerated worsening vs the champion, in units."
    )
    max_relative_drop: float | None = Field(
        default=None, ge=0, description="Largest tolerated worsening as a share of the champion."
    )


class Band(_Strict):
    """Effect-size band of a drift statistic: warn above ``warn``, block above ``block``."""

    warn: float | None = Field(default=None, ge=0)
    block: float | None = Field(default=None, ge=0)


class DriftBands(_Strict):
    """Drift limits per statistic (effect sizes; p-values are reported as context)."""

    psi: Band = Band(warn=0.1, block=0.25)
    jensen_shannon: Band = Band(warn=0.1, block=None)
    wasserstein: Band = Band(warn=0.1, block=None)
    unseen_share: Band = Band(warn=0.0, block=0.01)
    null_share_increase: Band = Band(warn=0.01, block=0.05)


class DecisionStability(_Strict):
    """Limits on how differently the candidate decides than the champion on the same rows."""

    max_flip_rate: float | None = Field(
        default=0.1, ge=0, le=1, description="Largest tolerated share of changed decisions."
    )
    max_group_flip_gap: float | None = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Largest tolerated flip-rate gap between sensitive groups (a change "
        "concentrated on one group).",
    )
    min_rank_correlation: float | None = Field(
        default=0.8, ge=-1, le=1, description="Smallest tolerated Spearman correlation of scores."
    )
    top_share: float = Field(
        default=0.1, gt=0, lt=1, description="Top-k as a share of rows (e.g. a retention budget)."
    )
    max_top_changed: float | None = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Largest tolerated share of the champion's top-k not in the candidate's.",
    )


class Calibration(_Strict):
    """Calibration limits (uniform bins, ``ece_bins`` of them)."""

    max_ece: float | None = Field(default=0.05, ge=0, le=1, description="Largest tolerated ECE.")
    max_mce: float | None = Field(default=None, ge=0, le=1, description="Largest tolerated MCE.")
    max_ece_increase: float | None = Field(
        default=0.02, ge=0, le=1, description="Largest tolerated ECE increase vs the champion."
    )


class Perturbation(StrEnum):
    """How the holdout is perturbed, one feature at a time.

    ``noise``, ``missing`` and ``dropout`` apply to numeric (float) inputs,
    ``unseen_category`` to string inputs.
    """

    NOISE = "noise"
    MISSING = "missing"
    DROPOUT = "dropout"
    UNSEEN_CATEGORY = "unseen_category"


class Direction(StrEnum):
    """The declared direction of a monotone feature's effect on the score."""

    INCREASING = "increasing"
    DECREASING = "decreasing"


class Invariance(_Strict):
    """A feature the score must ignore (e.g. a sensitive attribute): swapping it changes nothing."""

    feature: str = Field(description="Holdout column fed to the model whose value is swapped.")
    values: list[str] | list[float] | None = Field(
        default=None,
        description="Values swapped among (each row gets another one, seeded); default: the "
        "distinct values of the column in the perturbed rows (2 to 50 of them).",
    )
    max_score_change: float | None = Field(
        default=0.01, ge=0, le=1, description="Largest tolerated absolute score change of a row."
    )
    max_flip_rate: float | None = Field(
        default=0.0, ge=0, le=1, description="Largest tolerated share of changed decisions."
    )


class Robustness(_Strict):
    """Seeded perturbations of the holdout fed to the candidate's ONNX model."""

    perturbations: list[Perturbation] = Field(default_factory=lambda: list(Perturbation))
    noise_fraction: float = Field(
        default=0.1, gt=0, description="Noise standard deviation as a share of each feature's IQR."
    )
    missing_share: float = Field(
        default=0.1, gt=0, le=1, description="Share of a feature's values set to missing."
    )
    unseen_share: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description="Share of a categorical input's values replaced by a value never seen.",
    )
    max_auc_drop: float | None = Field(default=0.02, ge=0, le=1)
    max_flip_rate: float | None = Field(default=0.05, ge=0, le=1)
    max_rows: int = Field(default=20000, ge=100, description="Holdout rows perturbed (first n).")
    monotone: dict[str, Direction] = Field(
        default_factory=dict,
        description="Numeric inputs whose effect on the score is declared monotone, with its "
        "direction; checked by seeded sweeps of each feature over its observed range.",
    )
    monotone_rows: int = Field(
        default=200, ge=10, description="Rows (seeded sample) swept per monotone feature."
    )
    monotone_points: int = Field(
        default=11, ge=3, le=101, description="Grid points per sweep (percentiles 1 to 99)."
    )
    max_monotone_violation_share: float | None = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Largest tolerated share of swept rows whose score moves against the "
        "declared direction.",
    )
    invariances: list[Invariance] = Field(
        default_factory=list, description="Features the score must not depend on."
    )


class Serving(_Strict):
    """Served models (relative to the policy file): contract, robustness, latency, memory.

    A model is ONNX (``.onnx``, run by onnxruntime) or scikit-learn in the skops format
    (``.skops``, loaded with an explicit type allowlist); pickles are never loaded.
    """

    candidate_model: str = Field(description="The candidate's `.onnx` or `.skops` file.")
    champion_model: str | None = Field(
        default=None,
        description="The champion's `.onnx` or `.skops` file (latency, memory and size are "
        "compared with it).",
    )
    features: list[str] = Field(
        default_factory=list,
        description="Holdout columns stacked, in order, into a model with one 2-D input; "
        "empty when each model input is named after its column.",
    )
    output: str | None = Field(
        default=None, description="Output holding the probabilities (default: the float one)."
    )
    latency_percentile: Literal["p50", "p95", "p99"] = "p99"
    max_latency_ratio: float | None = Field(
        default=1.2,
        gt=0,
        description="Largest tolerated candidate/champion latency ratio; blocks only when "
        "the ratio's whole confidence interval (block bootstrap) lies above it.",
    )
    batch_rows: int = Field(default=256, ge=2, description="The typical batch size measured.")
    calls: int = Field(
        default=50,
        ge=5,
        description="Timed call pairs (candidate and champion interleaved) per repetition; "
        "raised when the ratio is gated so that 10 calls lie beyond the percentile "
        "(p50: 20 in all, p95: 200, p99: 1,000).",
    )
    warmup: int = Field(default=5, ge=0, description="Untimed calls before each repetition.")
    repetitions: int = Field(
        default=5,
        ge=1,
        description="Rounds of timed calls, each after its warm-up; all their calls are pooled.",
    )
    max_latency_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Time budget of one latency measurement (per batch size); when the calls "
        "the gated percentile needs would take longer, the check errors rather than guess "
        "(gate p50 or p95, or raise the budget).",
    )
    trusted_types: list[str] = Field(
        default_factory=list,
        description="Types a `.skops` model may contain beyond the built-in allowlist (fully "
        "qualified names as `skops.io.get_untrusted_types` reports them).",
    )
    mlflow_model: str | None = Field(
        default=None,
        description="The candidate's MLflow `MLmodel` file (or its directory): its signature "
        "is checked against the holdout schema; the model itself is never loaded.",
    )
    measure_memory: bool = Field(
        default=True,
        description="Compare peak memory of loading and scoring one batch, each model in a "
        "fresh child process.",
    )
    max_memory_ratio: float | None = Field(
        default=1.5, gt=0, description="Largest tolerated candidate/champion peak-memory ratio."
    )
    max_file_size_ratio: float | None = Field(
        default=None, gt=0, description="Largest tolerated candidate/champion file-size ratio."
    )
    robustness: Robustness | None = Robustness()


class Ranges(_Strict):
    """Current numeric values against the range seen at training (the reference data)."""

    features: list[str] = Field(
        default_factory=list,
        description="Numeric features judged; default: every numeric feature with a reference.",
    )
    max_out_of_range_share: float | None = Field(
        default=0.01,
        ge=0,
        le=1,
        description="Largest tolerated share of a feature's values outside the training range.",
    )


class Stability(_Strict):
    """Stability and serving readiness (issue 10): each part is optional."""

    decisions: DecisionStability | None = DecisionStability()
    calibration: Calibration | None = Calibration()
    serving: Serving | None = None
    ranges: Ranges | None = Field(
        default=None,
        description="Training value ranges (from `reference` or `reference_profile`) vs the "
        "holdout's numeric features.",
    )


class Scoring(_Strict):
    """Models that score the holdout when it carries no score columns (safe formats only).

    Each model is ONNX (``.onnx``, run by onnxruntime) or scikit-learn in the skops format
    (``.skops``, loaded with an explicit type allowlist); pickles are never loaded. Its
    positive-class probabilities become the ``columns.candidate`` (``columns.champion``)
    column, computed batch by batch, so the holdout must not already hold that column.
    """

    candidate_model: str | None = Field(
        default=None, description="Model producing the candidate's scores (relative path)."
    )
    champion_model: str | None = Field(
        default=None, description="Model producing the champion's scores (relative path)."
    )
    features: list[str] = Field(
        default_factory=list,
        description="Holdout columns stacked, in order, into a model with one 2-D input; "
        "empty when each model input is named after its column.",
    )
    output: str | None = Field(
        default=None, description="Output holding the probabilities (default: the float one)."
    )
    trusted_types: list[str] = Field(
        default_factory=list,
        description="Types a `.skops` model may contain beyond the built-in allowlist.",
    )


def _default_performance() -> dict[PerformanceMetric, PerformanceRule]:
    return {PerformanceMetric.ROC_AUC: PerformanceRule(max_drop=0.01)}


def _default_fairness() -> dict[FairnessMetric, float]:
    return {
        FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE: 0.1,
        FairnessMetric.EQUALIZED_ODDS_DIFFERENCE: 0.1,
    }


class ModelConfig(CheckConfig):
    """Settings of the ``model`` check: where the rows are and what is acceptable."""

    include: list[str] = Field(
        default_factory=lambda: ["*.parquet", "*.csv", "*.arrow", "*.feather", "*.ipc"],
        description="Holdout files (Parquet, CSV or Arrow IPC/Feather) under `paths`.",
    )
    holdout_table: str | None = Field(
        default=None,
        description="Name of an in-memory holdout given to the Python API "
        "(`RunOptions(tables={name: dataframe})`), read instead of `paths`.",
    )
    reference_table: str | None = Field(
        default=None,
        description="Name of an in-memory reference given to the Python API, read instead "
        "of `reference` files.",
    )
    tables: dict[str, str] = Field(
        default_factory=dict,
        description="Filled by the Python API, not in policy files: the Arrow IPC file "
        "holding each in-memory table, by name.",
    )
    reference: list[str] = Field(
        default_factory=list,
        description="Reference (training) data files for drift, relative to the policy file.",
    )
    reference_profile: str | None = Field(
        default=None,
        description="Reference profile written by `mlgate model profile` (instead of "
        "`reference`), relative to the policy file.",
    )
    dataset_id: str = Field(default="holdout", description="Name of the holdout in reports.")
    task: Literal["classification", "regression"] = Field(
        default="classification",
        description="`regression`: the label is a numeric target, the candidate and champion "
        "columns are predictions, and `performance` names rmse, mae or r2.",
    )
    columns: Columns
    threshold: float = Field(default=0.5, ge=0, le=1, description="Score >= threshold is 1.")
    performance: dict[PerformanceMetric, PerformanceRule] = Field(
        default_factory=_default_performance
    )
    fairness: dict[FairnessMetric, float] = Field(
        default_factory=_default_fairness,
        description="Largest tolerated difference per metric; for a ratio, the smallest "
        "tolerated ratio (0.8 is the four-fifths rule).",
    )
    min_group_size: int = Field(
        default=30,
        ge=1,
        description="Groups (and class counts within them) smaller than this "
        "are reported as insufficient data and left out of disparity decisions.",
    )
    drift: DriftBands = DriftBands()
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    bootstrap_replicates: int = Field(default=200, ge=20, le=5000)
    seed: int = Field(default=0, ge=0)
    average_precision_sample_rows: int = Field(
        default=20_000,
        ge=1_000,
        le=200_000,
        description="Rows (seeded uniform sample) kept for average precision's paired "
        "bootstrap; with more holdout rows the interval is scaled by sqrt(sample / rows).",
    )
    ece_bins: int = Field(default=10, ge=2, le=100)
    batch_rows: int = Field(default=65536, ge=1024, description="Rows read per batch.")
    stability: Stability | None = Field(
        default=None, description="Decision stability, calibration, robustness and serving."
    )
    scoring: Scoring | None = Field(
        default=None,
        description="ONNX or skops models computing the score columns from the holdout.",
    )

    @model_validator(mode="after")
    def _scoring_fits(self) -> ModelConfig:
        if self.scoring is None:
            return self
        if self.task == "regression":
            raise ValueError("`scoring` loads classifiers (positive-class probabilities)")
        if self.scoring.champion_model is not None and self.columns.champion is None:
            raise ValueError("`scoring.champion_model` needs `columns.champion` to name its scores")
        return self

    @model_validator(mode="after")
    def _one_reference(self) -> ModelConfig:
        given = [self.reference, self.reference_profile is not None, self.reference_table]
        if sum(map(bool, given)) > 1:
            raise ValueError(
                "give one of `reference` data, a `reference_profile` or a `reference_table`"
            )
        return self

    @model_validator(mode="after")
    def _metrics_fit_the_task(self) -> ModelConfig:
        regression = self.task == "regression"
        wrong = sorted(m.value for m in self.performance if (m in REGRESSION_METRICS) != regression)
        if wrong:
            allowed = "rmse, mae or r2" if regression else "classification metrics"
            raise ValueError(
                f"task {self.task!r} cannot judge {', '.join(wrong)}: `performance` takes "
                f"{allowed} (the default, roc_auc, is a classification metric)"
            )
        if regression and self.columns.sensitive and self.fairness:
            raise ValueError(
                "group fairness metrics judge a classifier's decisions: set `fairness: {}` "
                "for a regression model"
            )
        if regression and self.stability is not None:
            raise ValueError("`stability` checks judge classifiers, not regression models")
        return self
