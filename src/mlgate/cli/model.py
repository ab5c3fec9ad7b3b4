"""``mlgate model profile``: store the reference profile the ``model`` check compares with.

At training time the team profiles its training data once; the nightly gate then reads the
small JSON profile through ``reference_profile:`` instead of the training data itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlgate.cli.exit import ExitCode
from mlgate.core.errors import UsageError


def _names(values: list[str]) -> tuple[str, ...]:
    return tuple(n.strip() for value in values for n in value.split(",") if n.strip())


def command_model(args: argparse.Namespace) -> ExitCode:
    """Profile the data files and write the profile atomically."""
    try:
        from mlgate.checks.model.engine import SketchColumns
        from mlgate.checks.model.profile import build_profile, profile_to_json
        from mlgate.checks.model.reader import ModelInputError
    except ImportError as error:
        raise UsageError(f"`mlgate model` needs `pip install 'mlgate[model]'` ({error})") from None
    from mlgate.cli.output import write_atomically

    paths = [Path(p) for p in args.data]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"data file(s) not found: {', '.join(missing)}")
    columns = SketchColumns(
        numeric=_names(args.numeric),
        categorical=_names(args.categorical),
        label=args.label,
        prediction=args.prediction,
        # A regression target and prediction are sketched as numbers, as the gate does.
        regression=args.task == "regression",
    )
    try:
        profile = build_profile(paths, columns, batch_rows=args.batch_rows)
    except ModelInputError as error:
        raise UsageError(str(error)) from None
    write_atomically(Path(args.output), profile_to_json(profile).encode())
    print(
        f"mlgate: wrote {args.output}: {len(profile.sketches)} column(s), "
        f"{profile.rows:,} rows profiled"
    )
    return ExitCode.PASS
