"""Loading a policy into runnable gate plans, with one-line errors that say how to fix them."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mlgate.core.check import CheckConfig
from mlgate.core.errors import PolicyError, RegistryError, UsageError
from mlgate.core.finding import Severity
from mlgate.core.fs import missing_literal_paths
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.plugins import check_registry, reporter_registry
from mlgate.core.policy.schema import GateSpec, PolicySpec, WaiverSpec
from mlgate.core.policy.source import PolicyDocument, read_pyproject, read_yaml
from mlgate.core.registry import Registry
from mlgate.core.verdict import WaiverRecord

POLICY_FILE_NAMES = ("mlgate.yaml", "mlgate.yml")


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A validated policy: its gates ready to run, waivers, baseline and reports."""

    source: Path
    root: Path
    gates: dict[str, GatePlan]
    waivers: tuple[WaiverRecord, ...]
    baseline: Path | None
    report_directory: Path
    report_formats: tuple[str, ...]
    input_errors: dict[str, PolicyError] = field(default_factory=dict)

    def select(self, names: Sequence[str]) -> list[GatePlan]:
        """The named gates in order (all when ``names`` is empty), ready to run.

        A selected gate naming an input path that does not exist is bad input.
        """
        for name in names:
            if name not in self.gates:
                raise PolicyError(
                    f"no gate named {name!r}{_suggest(name, self.gates)}", path=str(self.source)
                )
        selected = list(names) or list(self.gates)
        for name in selected:
            if name in self.input_errors:
                raise self.input_errors[name]
        return [self.gates[name] for name in selected]


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    listed = ", ".join(sorted(options))
    return f" (expected one of: {listed})" if listed else ""


def _allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the model that a ``loc`` ending in an unknown key lives in."""
    current: Any = model
    for part in loc[:-1]:
        fields = getattr(current, "model_fields", None)
        if fields is None or not isinstance(part, str) or part not in fields:
            continue
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        current = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), current
        )
    fields = getattr(current, "model_fields", {})
    return list(fields)


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    loc = error["loc"]
    dotted = ".".join(str(p) for p in loc)
    if error["type"] == "extra_forbidden":
        key = str(loc[-1])
        return f"{dotted}: unknown key {key!r}{_suggest(key, _allowed_keys(model, loc))}"
    if error["type"] == "missing":
        return f"{dotted}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{dotted}: {message}" if dotted else message


def _raise_validation(
    error: ValidationError,
    document: PolicyDocument,
    model: type[BaseModel],
    prefix: Sequence[str | int] = (),
) -> None:
    errors = error.errors(include_url=False)
    first: dict[str, Any] = dict(errors[0])
    loc: tuple[str | int, ...] = (*prefix, *errors[0]["loc"])
    first["loc"] = loc
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise PolicyError(
        _describe(first, model) + more, path=str(document.path), line=document.line_of(loc)
    ) from None


def _plan_check(
    gate: str, check_id: str, settings: dict[str, Any], document: PolicyDocument,
    registry: Registry[type[Any]],
) -> PlannedCheck:  # fmt: skip
    loc: tuple[str, ...] = ("gates", gate, "checks", check_id)
    if check_id not in registry:
        raise PolicyError(
            f"gates.{gate}.checks: unknown check {check_id!r}"
            + _suggest(check_id, registry.names()),
            path=str(document.path),
            line=document.line_of(loc),
        )
    try:
        check_class = registry.load(check_id)
        target = registry.spec(check_id).target
    except RegistryError as error:
        # A broken plug-in is an error of the gate that names it, not a bad policy.
        return PlannedCheck(
            check_id=check_id, target="", config=CheckConfig(), load_error=str(error)
        )
    config_model: type[CheckConfig] = check_class.Config
    try:
        config = config_model.model_validate(settings or {})
    except ValidationError as error:
        _raise_validation(error, document, config_model, loc)
        raise  # pragma: no cover  # _raise_validation always raises
    return PlannedCheck(check_id=check_id, target=target, config=config, fail_on=config.fail_on)


def _missing_input(gate: str, check: PlannedCheck, document: PolicyDocument) -> PolicyError | None:
    """An error for a literal input path that does not exist (yet), or ``None``.

    It is raised only when the gate runs: a pre-deploy gate may name a model folder that
    training has not produced when the pre-merge gate runs.
    """
    root = document.path.parent
    missing = missing_literal_paths(root, check.config.paths)
    if not missing or check.load_error is not None:
        return None
    return PolicyError(
        f"gates.{gate}.checks.{check.check_id}.paths: {missing[0]!r} does not exist "
        f"under {root.as_posix() or '.'} (paths are relative to the policy file)",
        path=str(document.path),
        line=document.line_of(("gates", gate, "checks", check.check_id, "paths")),
    )


def _plan_gate(
    name: str, gate: GateSpec, document: PolicyDocument, registry: Registry[type[Any]]
) -> tuple[GatePlan, PolicyError | None]:
    checks = tuple(
        _plan_check(name, check_id, settings, document, registry)
        for check_id, settings in gate.checks.items()
    )
    plan = GatePlan(
        name=name,
        mode=gate.mode,
        fail_on=gate.fail_on,
        allow_empty=gate.allow_empty,
        checks=checks,
    )
    errors = (_missing_input(name, check, document) for check in checks)
    return plan, next((e for e in errors if e is not None), None)


def _waiver_record(index: int, spec: WaiverSpec) -> WaiverRecord:
    return WaiverRecord(
        index=index,
        rule=spec.rule,
        reason=spec.reason,
        owner=spec.owner,
        expires=spec.expires,
        path=spec.path,
        fingerprint=spec.fingerprint,
        artifact=spec.artifact,
        gates=tuple(spec.gates),
    )


def _check_formats(spec: PolicySpec, document: PolicyDocument) -> None:
    known = reporter_registry().names()
    for index, name in enumerate(spec.reports.formats):
        if name not in known:
            raise PolicyError(
                f"reports.formats: unknown format {name!r}{_suggest(name, known)}",
                path=str(document.path),
                line=document.line_of(("reports", "formats", index)),
            )


def build_policy(document: PolicyDocument, registry: Registry[type[Any]] | None = None) -> Policy:
    """Validate a parsed document and resolve every gate's checks."""
    registry = registry or check_registry()
    try:
        spec = PolicySpec.model_validate(document.data)
    except ValidationError as error:
        _raise_validation(error, document, PolicySpec)
        raise  # pragma: no cover  # _raise_validation always raises
    _check_formats(spec, document)
    planned = {
        name: _plan_gate(name, gate, document, registry) for name, gate in spec.gates.items()
    }
    root = document.path.parent.resolve()
    return Policy(
        source=document.path,
        root=root,
        gates={name: plan for name, (plan, _) in planned.items()},
        input_errors={name: error for name, (_, error) in planned.items() if error is not None},
        waivers=tuple(_waiver_record(i, w) for i, w in enumerate(spec.waivers)),
        baseline=root / spec.baseline if spec.baseline else None,
        report_directory=root / spec.reports.directory,
        report_formats=tuple(spec.reports.formats),
    )


def find_policy_file(directory: Path) -> Path:
    """``mlgate.yaml`` (or ``.yml``) in ``directory``, else its ``pyproject.toml``."""
    for name in POLICY_FILE_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        return pyproject
    raise PolicyError(
        "no mlgate.yaml or pyproject.toml [tool.mlgate] here (create one with `mlgate init`)",
        path=str(directory / POLICY_FILE_NAMES[0]),
    )


def read_policy_document(path: Path) -> PolicyDocument:
    """Parse a policy file by its kind (YAML, or the table of a pyproject.toml)."""
    if path.name == "pyproject.toml":
        document = read_pyproject(path)
        if document is None:
            raise PolicyError("has no [tool.mlgate] table", path=str(path))
        return document
    return read_yaml(path)


def load_policy(path: str | Path | None = None) -> Policy:
    """Find, parse and validate a policy (default: the current directory's)."""
    file = Path(path) if path is not None else find_policy_file(Path.cwd())
    if file.is_dir():
        file = find_policy_file(file)
    return build_policy(read_policy_document(file))


def single_check_policy(check_id: str, paths: Sequence[str], cwd: Path, *, fail_on: str) -> Policy:
    """A one-gate policy (``scan``) running one check with its defaults over ``paths``."""
    registry = check_registry()
    if check_id not in registry:
        raise UsageError(f"unknown check {check_id!r}{_suggest(check_id, registry.names())}")
    resolved = [Path(p).resolve() for p in paths]
    for original, path in zip(paths, resolved, strict=True):
        if not path.exists():
            raise UsageError(f"path {original!r} does not exist")
    root = Path(os.path.commonpath([cwd.resolve(), *resolved]))
    relative = [p.relative_to(root).as_posix() or "." for p in resolved]
    check_class = registry.load(check_id)
    try:
        severity = Severity.parse(fail_on)
        config = check_class.Config.model_validate({"paths": relative})
    except (ValueError, ValidationError) as error:
        raise UsageError(f"scan {check_id}: {error}") from None
    check = PlannedCheck(check_id=check_id, target=registry.spec(check_id).target, config=config)
    return Policy(
        source=cwd / "<scan>",
        root=root,
        gates={"scan": GatePlan(name="scan", fail_on=severity, checks=(check,))},
        waivers=(),
        baseline=None,
        report_directory=root / "mlgate-reports",
        report_formats=(),
    )
