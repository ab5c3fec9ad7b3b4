"""``mlgate sbom``: CycloneDX of what a gate judges: dependencies, model files, datasets.

The inputs are the ones the policy gives each check, read by the same library readers
the checks use; nothing is matched or judged. An input that cannot be read stops the
command (exit 2): an SBOM that silently leaves something out would be worse than none.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from mlgate.checks.datasets.check import DatasetsConfig
from mlgate.checks.datasets.digest import content_digest
from mlgate.checks.datasets.inventory import UsedDataset, used_datasets
from mlgate.checks.deps.check import DepsConfig, inventory
from mlgate.checks.deps.records import Dependency
from mlgate.checks.deps.sbom import ArtifactComponent, ArtifactKind, build_sbom
from mlgate.cli.exit import ExitCode
from mlgate.cli.output import STDOUT, write_atomically
from mlgate.core.check import CheckConfig, CheckContext
from mlgate.core.clock import SystemClock
from mlgate.core.errors import UsageError
from mlgate.core.gate import GatePlan
from mlgate.core.policy.load import load_policy

SBOM_FILENAME = "mlgate.cdx.json"
# Suffixes of serialized models; other files a model check reads are plain files.
MODEL_SUFFIXES = frozenset(
    {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".safetensors", ".onnx",
     ".h5", ".hdf5", ".keras", ".pb", ".tflite", ".gguf", ".npy", ".npz", ".msgpack", ".mar"}
)  # fmt: skip


class _Contents:
    """What the selected gates read, each thing once."""

    def __init__(self) -> None:
        self.dependencies: list[Dependency] = []
        self.artifacts: dict[tuple[str, str], ArtifactComponent] = {}

    def add_artifact(self, artifact: ArtifactComponent) -> None:
        self.artifacts.setdefault((artifact.kind, artifact.name), artifact)


def _model_files(ctx: CheckContext, config: CheckConfig, contents: _Contents) -> None:
    for path in ctx.input_files(config):
        kind: ArtifactKind = "model" if path.suffix.lower() in MODEL_SUFFIXES else "file"
        name = ctx.display_path(path)
        contents.add_artifact(
            ArtifactComponent(name=name, kind=kind, sha256=content_digest(path), path=name)
        )


def _dataset(used: UsedDataset) -> ArtifactComponent:
    return ArtifactComponent(
        name=used.id,
        kind="dataset",
        sha256=used.digest,
        path=used.path,
        license=used.license,
        properties=(("digest-basis", used.basis),),
    )


def _collect(gate: GatePlan, ctx: CheckContext, contents: _Contents) -> None:
    for planned in gate.checks:
        config = planned.config
        if isinstance(config, DepsConfig):
            dependencies, errors = inventory(ctx, config)
            if errors:
                raise UsageError(f"gate {gate.name}: {errors[0]}")
            contents.dependencies.extend(dependencies)
        elif isinstance(config, DatasetsConfig):
            for used in used_datasets(ctx, config):
                contents.add_artifact(_dataset(used))
        elif planned.check_id == "artifacts":
            _model_files(ctx, config, contents)


def command_sbom(args: argparse.Namespace) -> ExitCode:
    """Write the CycloneDX 1.6 SBOM of the selected gates' inputs."""
    policy = load_policy(args.policy)
    clock = SystemClock()
    contents = _Contents()
    for gate in policy.select(args.gates):
        ctx = CheckContext(root=policy.root, gate=gate.name, today=clock.now().date())
        _collect(gate, ctx, contents)
    text = build_sbom(
        contents.dependencies,
        contents.artifacts.values(),
        serial=uuid.uuid4(),
        timestamp=clock.now(),
    )
    if args.output == STDOUT:
        sys.stdout.write(text + "\n")
        return ExitCode.PASS
    destination = Path(args.output) if args.output else policy.report_directory / SBOM_FILENAME
    write_atomically(destination, (text + "\n").encode("utf-8"))
    libraries = len(
        {(d.name, d.version) for d in contents.dependencies if d.version and not d.is_local}
    )
    print(
        f"mlgate: wrote CycloneDX SBOM ({libraries} package(s), "
        f"{len(contents.artifacts)} artifact(s) and dataset(s)): {destination}"
    )
    return ExitCode.PASS
