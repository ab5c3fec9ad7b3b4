"""CycloneDX 1.6 JSON of a project's dependencies and the artifacts and datasets it ships.

Built with the CycloneDX library (``cyclonedx-python-lib``), never by hand. Python
dependencies become ``library`` components with a ``pkg:pypi`` purl (one per name and
version, however many files declare it); model files and datasets become
``machine-learning-model`` / ``data`` components carrying their sha256 digests. The
serial number and timestamp are inputs, so the same inputs give the same document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from mlgate.checks.deps.records import Dependency

ArtifactKind = Literal["model", "dataset", "file"]
_TYPES = {
    "model": ComponentType.MACHINE_LEARNING_MODEL,
    "dataset": ComponentType.DATA,
    "file": ComponentType.FILE,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactComponent:
    """A model file or dataset the gate judged, with its content digest.

    ``sha256`` is ``None`` only when no digest is known (remote data the run did not
    record); ``properties`` are extra ``mlgate:`` facts, such as where the digest came from.
    """

    name: str
    kind: ArtifactKind
    sha256: str | None
    path: str | None = None
    license: str | None = None
    properties: tuple[tuple[str, str], ...] = ()


def _library(name: str, version: str, declared_in: list[str]) -> Component:
    purl = PackageURL(type="pypi", name=name, version=version)
    return Component(
        type=ComponentType.LIBRARY,
        name=name,
        version=version,
        purl=purl,
        bom_ref=purl.to_string(),
        properties=[Property(name="mlgate:declared-in", value=p) for p in sorted(declared_in)],
    )


def _artifact(artifact: ArtifactComponent) -> Component:
    pairs = ([("path", artifact.path)] if artifact.path else []) + list(artifact.properties)
    hashes = []
    if artifact.sha256 is not None:
        digest = artifact.sha256.removeprefix("sha256:")
        hashes.append(HashType(alg=HashAlgorithm.SHA_256, content=digest))
    licenses = [LicenseExpression(artifact.license)] if artifact.license else []
    return Component(
        type=_TYPES[artifact.kind],
        name=artifact.name,
        bom_ref=f"{artifact.kind}:{artifact.name}",
        hashes=hashes,
        licenses=licenses,
        properties=[Property(name=f"mlgate:{key}", value=value) for key, value in pairs],
    )


def build_sbom(
    dependencies: Iterable[Dependency],
    artifacts: Iterable[ArtifactComponent] = (),
    *,
    serial: UUID,
    timestamp: datetime,
) -> str:
    """The CycloneDX 1.6 JSON text; local and unpinned dependencies are left out."""
    declared: dict[tuple[str, str], list[str]] = {}
    for dependency in dependencies:
        if dependency.version is not None and not dependency.is_local:
            places = declared.setdefault((dependency.name, dependency.version), [])
            if dependency.path not in places:
                places.append(dependency.path)
    components = [_library(n, v, places) for (n, v), places in sorted(declared.items())]
    components.extend(_artifact(a) for a in artifacts)
    bom = Bom(
        components=components,
        serial_number=serial,
        metadata=BomMetaData(timestamp=timestamp),
    )
    return JsonV1Dot6(bom).output_as_string(indent=2)
