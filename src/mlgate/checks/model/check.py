"""The ``model`` check: champion/challenger performance, fairness and drift on evidence.

This module imports nothing heavy: numpy, scipy and pyarrow (the ``model`` extra) are
imported when the check runs, so ``import mlgate`` and the CLI stay fast and small.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from mlgate.checks.model.config import ModelConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

INSUFFICIENT_DATA = Rule(
    id="MODEL001",
    slug="insufficient-group-data",
    severity=Severity.LOW,
    summary="A sensitive group has too few rows (or positives/negatives) to judge fairness.",
    remediation=(
        "Collect more holdout rows for the group, merge it into a broader group, or lower "
        "`min_group_size` if a smaller sample is acceptable for this decision."
    ),
)
DRIFT_WARNING = Rule(
    id="MODEL002",
    slug="drift-warning",
    severity=Severity.LOW,
    summary="A feature drifted beyond its warn band but not its block band.",
    remediation="Check the feature's pipeline and the population it now describes.",
)
SERVING_CONTRACT = Rule(
    id="MODEL003",
    slug="serving-contract",
    severity=Severity.HIGH,
    summary="The model's declared inputs or outputs do not match the holdout/serving schema.",
    remediation=(
        "Rename or retype the model input (or the serving column) so both sides agree, or "
        "list the columns feeding a single 2-D input under `stability.serving.features`."
    ),
)
ROBUSTNESS_FAILURE = Rule(
    id="MODEL004",
    slug="robustness-failure",
    severity=Severity.HIGH,
    summary="The model returns non-finite scores or fails on a perturbed holdout.",
    remediation="Handle missing and unusual values inside the exported model (e.g. an imputer).",
)
RULES = (INSUFFICIENT_DATA, DRIFT_WARNING, SERVING_CONTRACT, ROBUSTNESS_FAILURE)
KINDS = "Parquet, CSV or Arrow IPC"
MISSING_EXTRA = (
    "the model check needs numpy, scipy and pyarrow: install them with "
    "`pip install 'mlgate[model]'`"
)


def table_file(config: ModelConfig, name: str) -> Path | str:
    """The Arrow IPC file of in-memory table ``name``, or why there is none."""
    if name in config.tables:
        return Path(config.tables[name])
    return (
        f"table {name!r} is given only through the Python API: "
        f"mlgate.run(..., options=RunOptions(tables={{{name!r}: dataframe}}))"
    )


class ModelCheck:
    """Decides whether a candidate model may replace the champion, on evidence."""

    id: ClassVar[str] = "model"
    summary: ClassVar[str] = (
        "Candidate vs champion performance with paired intervals, group fairness and drift."
    )
    Config: ClassVar[type[ModelConfig]] = ModelConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: ModelConfig) -> CheckResult:
        """Read the holdout (and reference), compute the statistics, report metrics."""
        if config.holdout_table is not None:
            found = table_file(config, config.holdout_table)
            if isinstance(found, str):
                return CheckResult(errors=(found,))
            paths = [found]
        else:
            paths = sorted(ctx.input_files(config))
        if not paths:
            return CheckResult(errors=(f"no holdout files ({KINDS}) under {config.paths}",))
        try:
            # Deferred: the heavy extra is needed only when the check actually runs.
            from mlgate.checks.model.evaluate import evaluate
        except ImportError as error:
            return CheckResult(errors=(f"{MISSING_EXTRA} ({error})",), inputs=len(paths))
        return evaluate(ctx, config, paths)
