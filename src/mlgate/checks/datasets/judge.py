"""Judging one lineage input against the registry: approval, window, policy, content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mlgate.checks.datasets.digest import ContentDigest
from mlgate.checks.datasets.lineage import LineageInput
from mlgate.checks.datasets.registry import Pii, Registered
from mlgate.checks.datasets.rules import (
    APPROVAL_WINDOW,
    DIGEST_MISMATCH,
    LICENSE,
    NO_LINEAGE,
    PII,
    PURPOSE,
    UNAPPROVED,
)
from mlgate.core.finding import DatasetLocation, Finding
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule

Digester = Callable[[Path], ContentDigest]


@dataclass(frozen=True, slots=True, kw_only=True)
class DataPolicy:
    """What the gate accepts beyond approval itself."""

    allowed_licenses: frozenset[str] = frozenset()
    denied_licenses: frozenset[str] = frozenset()
    max_pii: Pii = Pii.PERSONAL
    verify_content: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Use:
    """One input of one lineage manifest, with the run's declared purpose."""

    item: LineageInput
    purpose: str
    manifest: str


def _finding(rule: Rule, use: Use, dataset_id: str, message: str, key: str = "") -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=DatasetLocation(dataset_id=dataset_id, path=use.item.path),
        fingerprint=fingerprint(rule.id, use.manifest, dataset_id, key),
        cwe=rule.cwe,
        remediation=rule.remediation,
        properties=(("lineage", use.manifest),),
    )


def find_entry(
    registry: dict[str, Registered], item: LineageInput, root: Path
) -> Registered | None:
    """The registry entry ``item`` names by id, else the one whose location is its path."""
    if item.id is not None:
        return registry.get(item.id)
    if item.path is None:
        return None
    if item.is_remote:
        return next((e for e in registry.values() if e.dataset.location == item.path), None)
    wanted = (root / item.path).resolve()
    return next(
        (e for e in registry.values() if e.is_local and e.local_path.resolve() == wanted), None
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Judge:
    """Decides which findings one lineage input deserves."""

    registry: dict[str, Registered]
    policy: DataPolicy
    today: date
    root: Path

    def no_lineage(self, manifest: str, run: str | None) -> Finding:
        """DATA007 for a manifest that lists nothing."""
        use = Use(item=LineageInput(), purpose="", manifest=manifest)
        message = f"Lineage manifest {manifest} of run {run or '(unnamed)'} lists no inputs."
        return _finding(NO_LINEAGE, use, "-", message)

    def lookup(self, item: LineageInput) -> Registered | None:
        """The registry entry ``item`` names (see :func:`find_entry`)."""
        return find_entry(self.registry, item, self.root)

    def judge(self, use: Use, digest: Digester) -> tuple[list[Finding], list[str]]:
        """Findings for one input, and errors that stopped its content check."""
        entry = self.lookup(use.item)
        if entry is None:
            name = use.item.id or use.item.path or "(unnamed input)"
            message = f"Dataset {name} used by {use.manifest} is not in the approved registry."
            return [_finding(UNAPPROVED, use, name, message)], []
        findings = [*self._window(use, entry), *self._policy(use, entry)]
        content, errors = self._content(use, entry, digest)
        return findings + content, errors

    def _window(self, use: Use, entry: Registered) -> list[Finding]:
        dataset = entry.dataset
        if self.today > dataset.approved_until:
            message = f"Approval of dataset {dataset.id} expired on {dataset.approved_until}."
            return [_finding(APPROVAL_WINDOW, use, dataset.id, message, "expired")]
        if dataset.approved_from is not None and self.today < dataset.approved_from:
            message = f"Approval of dataset {dataset.id} starts only on {dataset.approved_from}."
            return [_finding(APPROVAL_WINDOW, use, dataset.id, message, "not-yet")]
        return []

    def _policy(self, use: Use, entry: Registered) -> list[Finding]:
        dataset = entry.dataset
        findings = []
        if use.purpose not in dataset.purposes:
            allowed = ", ".join(dataset.purposes)
            message = f"Dataset {dataset.id} is approved for {allowed}, not {use.purpose}."
            findings.append(_finding(PURPOSE, use, dataset.id, message, use.purpose))
        license_id = dataset.license.lower()
        allowed_licenses = self.policy.allowed_licenses
        if license_id in self.policy.denied_licenses or (
            allowed_licenses and license_id not in allowed_licenses
        ):
            message = f"Dataset {dataset.id} is licensed {dataset.license}, which is not allowed."
            findings.append(_finding(LICENSE, use, dataset.id, message, dataset.license))
        if dataset.pii > self.policy.max_pii:
            message = (
                f"Dataset {dataset.id} holds {dataset.pii.label} data; this gate accepts at "
                f"most {self.policy.max_pii.label}."
            )
            findings.append(_finding(PII, use, dataset.id, message, dataset.pii.label))
        return findings

    def _content(
        self, use: Use, entry: Registered, digest: Digester
    ) -> tuple[list[Finding], list[str]]:
        dataset = entry.dataset
        recorded = use.item.digest
        if recorded is not None and not self._same_content(use, entry, recorded, digest):
            message = (
                f"Run recorded {recorded} for dataset {dataset.id}; approved is {dataset.digest}."
            )
            return [_finding(DIGEST_MISMATCH, use, dataset.id, message, "recorded")], []
        path = self._data_path(use, entry)
        if path is None or not self.policy.verify_content:
            return [], []
        if not self._inside(path):
            return [], [f"{use.manifest}: data of {dataset.id} lies outside the project root"]
        if not path.exists():
            message = f"Data of dataset {dataset.id} is missing, so its content cannot be verified."
            return [_finding(DIGEST_MISMATCH, use, dataset.id, message, "missing")], []
        actual = digest(path)
        if not actual.matches(dataset.digest):
            message = (
                f"Content of dataset {dataset.id} is {actual.value}; approved is {dataset.digest}."
            )
            return [_finding(DIGEST_MISMATCH, use, dataset.id, message, "content")], []
        return [], []

    def _same_content(self, use: Use, entry: Registered, recorded: str, digest: Digester) -> bool:
        """Whether the run's recorded digest names the approved content.

        Equal strings do; so do a current and a legacy digest of the same local data
        (a run recorded after an approval made before the digest shape changed).
        """
        approved = entry.dataset.digest
        if recorded == approved:
            return True
        path = self._data_path(use, entry)
        if path is None or not self.policy.verify_content or not self._inside(path):
            return False
        if not path.exists():
            return False
        actual = digest(path)
        return actual.matches(recorded) and actual.matches(approved)

    def _inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root.resolve()) and not path.is_symlink()

    def _data_path(self, use: Use, entry: Registered) -> Path | None:
        if use.item.is_remote:
            return None  # remote content is vouched for by the recorded digest only
        if use.item.path is not None:
            return self.root / use.item.path
        return entry.local_path if entry.is_local else None
