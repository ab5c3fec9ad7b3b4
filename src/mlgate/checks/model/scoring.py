"""Score columns computed from the holdout by the configured models (``scoring``).

Models are loaded by :func:`~mlgate.checks.model.stability.models.load_model`: ONNX
through onnxruntime or skops with an allowlist of types, never a pickle. Their inputs are
bound to holdout columns by the serving contract (a mismatch is an error naming it), and
each holdout file is rewritten batch by batch into a temporary Arrow IPC file holding its
columns plus the score columns, so memory stays bounded by a batch whatever the file's
size, and every later pass (statistics, DeLong, stability) reads the scores like any
other column. The temporary files are deleted when the check's evaluation ends.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as paipc

from mlgate.checks.model import arrays
from mlgate.checks.model.config import ModelConfig, Scoring
from mlgate.checks.model.engine import Plan
from mlgate.checks.model.reader import ModelInputError, column_types, iter_batches
from mlgate.checks.model.stability.contract import Binding, check_contract
from mlgate.checks.model.stability.models import ServedModel, load_model, score_rows
from mlgate.checks.model.stability.sample import Sample, column_values, feeds
from mlgate.core.check import CheckContext


@dataclass(frozen=True, slots=True, kw_only=True)
class Scorer:
    """One loaded model, its input binding, and the column its scores become."""

    column: str
    model: ServedModel
    binding: Binding

    def scores(self, batch: pa.RecordBatch, label: str) -> pa.Array:
        """The positive-class scores of every row of ``batch``."""
        sample = Sample(
            columns={c: column_values(batch.column(c), c) for c in self.binding.columns()},
            labels=arrays.labels(batch.column(label), label),
        )
        return pa.array(score_rows(self.model, feeds(self.binding, sample), self.binding.output))


def _load(ctx: CheckContext, entry: str, rules: Scoring) -> ServedModel:
    path = ctx.root / entry
    if not path.is_file():
        raise ModelInputError(f"scoring model not found: {ctx.display_path(path)}")
    try:
        return load_model(path, rules.trusted_types)
    except ModelInputError as error:
        # The loader names the serving section's allowlist; here the policy's key differs.
        text = str(error).replace("stability.serving.trusted_types", "scoring.trusted_types")
        raise ModelInputError(text) from None


def _bind(model: ServedModel, schema: dict[str, pa.DataType], rules: Scoring) -> Binding:
    contract = check_contract(model, schema, rules.features, rules.output)
    if contract.binding is None:
        problems = "; ".join(message for _, message in contract.violations)
        raise ModelInputError(f"{model.path.name} cannot score the holdout: {problems}")
    return contract.binding


def scorers(ctx: CheckContext, config: ModelConfig, schema: dict[str, pa.DataType]) -> list[Scorer]:
    """The configured models, loaded and bound to the holdout's columns."""
    rules = config.scoring
    if rules is None:
        return []
    entries: list[tuple[str, str | None]] = [(config.columns.candidate, rules.candidate_model)]
    if config.columns.champion is not None:
        entries.append((config.columns.champion, rules.champion_model))
    found: list[Scorer] = []
    for column, entry in entries:
        if entry is None:
            continue
        if column in schema:
            raise ModelInputError(
                f"the holdout already has a {column!r} column and a scoring model is "
                "configured for it: drop one of them, so the scores judged are unambiguous"
            )
        model = _load(ctx, entry, rules)
        found.append(Scorer(column=column, model=model, binding=_bind(model, schema, rules)))
    return found


def score_file(source: Path, target: Path, models: Sequence[Scorer], config: ModelConfig) -> Path:
    """Write ``source``'s rows plus the score columns to the Arrow IPC file ``target``."""
    found = column_types(source)
    # CSV columns take the check's types (groups as text, labels as floats), as when read.
    wanted = {c: t for c, t in Plan.from_config(config).types().items() if c in found}
    types = {**found, **wanted}
    writer: paipc.RecordBatchFileWriter | None = None
    try:
        for batch in iter_batches(source, list(found), types, config.batch_rows):
            scored = pa.RecordBatch.from_arrays(
                [*batch.columns, *(m.scores(batch, config.columns.label) for m in models)],
                names=[*batch.schema.names, *(m.column for m in models)],
            )
            if writer is None:
                writer = paipc.new_file(target, scored.schema)
            writer.write_batch(scored)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise ModelInputError(f"{source.name}: the holdout has no rows to score")
    return target


@contextmanager
def scored_holdout(
    ctx: CheckContext, config: ModelConfig, paths: Sequence[Path]
) -> Iterator[list[Path]]:
    """The holdout files, rewritten with model scores when ``scoring`` names models."""
    models = scorers(ctx, config, column_types(paths[0])) if paths else []
    if not models:
        yield list(paths)
        return
    with tempfile.TemporaryDirectory(prefix="mlgate-scores-") as folder:
        scored: list[Path] = []
        for index, path in enumerate(paths):
            # One folder per file: two holdout files may share a name; errors name the file.
            (Path(folder) / str(index)).mkdir()
            target = Path(folder) / str(index) / f"{path.stem}.scored.arrow"
            scored.append(score_file(path, target, models, config))
        yield scored
