"""Digest manifests of model directories in the OpenSSF model-signing v1.0 shape.

The manifest is the in-toto statement that ``model_signing`` signs: one subject (the
model's name and the sha256 over every resource digest, in name order) and a predicate
with the serialisation (``files``, ``sha256``) and one resource per regular file
(``name`` relative to the model root, ``algorithm``, ``digest``). A manifest written
here can be signed by model-signing tools, and one written by them (``files`` method)
can be verified here. The resource list is built by :mod:`mlgate.core.resources`, the
same builder as dataset manifests; files are hashed in parallel threads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.core.errors import InputError
from mlgate.core.fs import iter_input_files
from mlgate.core.resources import FileResource, hash_resources, resource_list

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://model_signing/signature/v1.0"
ALGORITHM = "sha256"


class ManifestError(InputError):
    """A manifest cannot be used: not JSON, not the v1.0 shape, or inconsistent."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelManifest:
    """A model's name and the sha256 of each of its files, sorted by name."""

    model_name: str
    resources: tuple[tuple[str, str], ...]
    ignore_paths: tuple[str, ...] = field(default=())

    @property
    def root_digest(self) -> str:
        """sha256 over the raw resource digests in name order (model-signing's subject)."""
        hasher = hashlib.sha256()
        for _, digest in self.resources:
            hasher.update(bytes.fromhex(digest))
        return hasher.hexdigest()

    def to_statement(self) -> dict[str, Any]:
        """The in-toto statement of this manifest, as model-signing writes it."""
        return {
            "_type": STATEMENT_TYPE,
            "subject": [{"name": self.model_name, "digest": {ALGORITHM: self.root_digest}}],
            "predicateType": PREDICATE_TYPE,
            "predicate": {
                "serialization": {
                    "method": "files",
                    "hash_type": ALGORITHM,
                    "allow_symlinks": False,
                    "ignore_paths": list(self.ignore_paths),
                },
                "resources": resource_list(
                    FileResource(name=name, digest=digest) for name, digest in self.resources
                ),
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestDiff:
    """How a directory differs from its manifest; empty lists mean it matches."""

    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def matches(self) -> bool:
        """Whether every file is present, unchanged, and nothing was added."""
        return not (self.missing or self.unexpected or self.changed)


def build_manifest(
    root: Path, *, ignore: tuple[str, ...] = (), workers: int | None = None
) -> ModelManifest:
    """Hash every regular file under ``root`` (no symlinks, none outside it) in parallel.

    ``ignore`` holds root-relative globs (the signature file, say) left out of the
    manifest and recorded in it.
    """
    root = root.resolve()
    paths = list(iter_input_files(root, ["."], list(ignore), []))
    resources = hash_resources(root, paths, workers=workers)
    return ModelManifest(
        model_name=root.name,
        resources=tuple((r.name, r.digest) for r in resources),
        ignore_paths=ignore,
    )


def parse_manifest(raw: bytes) -> ModelManifest:
    """Read a v1.0 ``files`` manifest and check its subject digest against its resources.

    Raises:
        ManifestError: not JSON, another shape or method, or an inconsistent digest.
    """
    try:
        statement = json.loads(raw)
        manifest = _from_statement(statement)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ManifestError(f"not a model-signing v1.0 manifest: {error}") from None
    claimed = statement["subject"][0]["digest"][ALGORITHM]
    if claimed != manifest.root_digest:
        raise ManifestError(
            f"manifest is inconsistent: subject digest {claimed} but its resources hash "
            f"to {manifest.root_digest}"
        )
    return manifest


def _from_statement(statement: dict[str, Any]) -> ModelManifest:
    if statement["predicateType"] != PREDICATE_TYPE:
        raise ValueError(f"predicate type {statement['predicateType']!r}")
    (subject,) = statement["subject"]
    predicate = statement["predicate"]
    serialization = predicate["serialization"]
    if serialization["method"] != "files" or serialization["hash_type"] != ALGORITHM:
        raise ValueError(f"serialization {serialization['method']}/{serialization['hash_type']}")
    resources = []
    for resource in predicate["resources"]:
        if resource["algorithm"] != ALGORITHM:
            raise ValueError(f"algorithm {resource['algorithm']!r}")
        bytes.fromhex(resource["digest"])  # a malformed digest is a bad manifest
        resources.append((str(resource["name"]), str(resource["digest"]).lower()))
    return ModelManifest(
        model_name=str(subject["name"]),
        resources=tuple(sorted(resources)),
        ignore_paths=tuple(serialization.get("ignore_paths", ())),
    )


def compare(expected: ModelManifest, actual: ModelManifest) -> ManifestDiff:
    """What differs between a manifest and a fresh one of the same directory."""
    want, have = dict(expected.resources), dict(actual.resources)
    return ManifestDiff(
        missing=tuple(sorted(want.keys() - have.keys())),
        unexpected=tuple(sorted(have.keys() - want.keys())),
        changed=tuple(sorted(n for n in want.keys() & have.keys() if want[n] != have[n])),
    )
