"""The container images a gate judged, as statement subjects.

The ``images`` check gates Trivy and Grype reports; the image a report is about is named
there by repository digest (Trivy ``Metadata.RepoDigests``, Grype
``source.target.repoDigests``), and the check's ``expected_digest`` pins the image being
deployed. Only those repository digests become subjects: an image ID is the digest of
the image's configuration, which no registry, cosign or admission controller matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.core.errors import UsageError
from mlgate.core.fs import iter_input_files
from mlgate.core.policy.load import Policy
from mlgate.evidence.subjects import Subject, image_subject
from mlgate.formats.limits import MIB

if TYPE_CHECKING:
    from mlgate.checks.images.check import ImagesConfig

IMAGES_CHECK = "images"


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def repo_digests(document: Any) -> list[str]:
    """The ``REPO@sha256:...`` references a Trivy or Grype report names its image by."""
    # Imported here: the images check imports evidence's duration parser, so a module-level
    # import would make a cycle through ``mlgate.evidence``.
    from mlgate.checks.images.grype import is_grype
    from mlgate.checks.images.trivy import is_trivy

    if is_grype(document):
        source = document.get("source")
        target = source.get("target") if isinstance(source, dict) else None
        return _strings(target.get("repoDigests")) if isinstance(target, dict) else []
    if is_trivy(document) and isinstance(document, dict):
        metadata = document.get("Metadata")
        return _strings(metadata.get("RepoDigests")) if isinstance(metadata, dict) else []
    return []


def _report_references(path: Path, limit_bytes: float) -> list[str]:
    # The check has read (and judged) these reports already; one it could not read
    # gave an error verdict, so a report unreadable here simply names no image.
    try:
        if path.stat().st_size > limit_bytes:
            return []
        return repo_digests(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return []


def _references(policy: Policy, config: ImagesConfig) -> Iterator[str]:
    if config.expected_digest and "@" in config.expected_digest:
        yield config.expected_digest
    for path in iter_input_files(policy.root, config.paths, config.exclude, config.include):
        yield from _report_references(path, config.max_report_mb * MIB)


def judged_images(policy: Policy, gates: Sequence[str] = ()) -> list[Subject]:
    """Subjects of the images the selected gates' ``images`` checks judged, deduplicated."""
    from mlgate.checks.images.check import ImagesConfig  # lazily, as in repo_digests

    unique: dict[tuple[str, str], Subject] = {}
    for plan in policy.select(gates):
        for check in plan.checks:
            if check.check_id != IMAGES_CHECK or not isinstance(check.config, ImagesConfig):
                continue
            for reference in _references(policy, check.config):
                try:
                    subject = image_subject(reference)
                except UsageError:
                    continue  # a report may name an image oddly; it is not evidence of one
                unique.setdefault((subject.name, subject.sha256), subject)
    return list(unique.values())
