"""The rules of the ``datasets`` check."""

from __future__ import annotations

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

UNAPPROVED = Rule(
    id="DATA001",
    slug="unapproved-dataset",
    severity=Severity.HIGH,
    summary="A training run used a dataset that is not in the approved registry.",
    remediation="Remove the dataset from the run, or get it reviewed and added to the "
    "registry (`mlgate datasets approve`).",
)
DIGEST_MISMATCH = Rule(
    id="DATA002",
    slug="dataset-digest-mismatch",
    severity=Severity.HIGH,
    summary="The dataset's content differs from the approved content digest.",
    remediation="Train on the approved snapshot, or re-approve the new content with its "
    "digest (`mlgate datasets digest PATH`).",
    cwe=(345,),
)
APPROVAL_WINDOW = Rule(
    id="DATA003",
    slug="dataset-approval-not-current",
    severity=Severity.HIGH,
    summary="The dataset's approval has expired or has not started yet.",
    remediation="Renew the approval in the registry (a new `approved_until`) after review.",
)
LICENSE = Rule(
    id="DATA004",
    slug="dataset-license-not-allowed",
    severity=Severity.HIGH,
    summary="The dataset's license is denied or not on the allowed list.",
    remediation="Use a dataset under an allowed license, or change the policy after legal review.",
)
PII = Rule(
    id="DATA005",
    slug="dataset-pii-not-allowed",
    severity=Severity.HIGH,
    summary="The dataset holds more personal data than this gate allows.",
    remediation="Use a de-identified version of the dataset, or run the gate whose policy "
    "covers personal data.",
    cwe=(359,),
)
PURPOSE = Rule(
    id="DATA006",
    slug="dataset-purpose-not-approved",
    severity=Severity.HIGH,
    summary="The dataset is approved, but not for the purpose the run declares.",
    remediation="Request approval for this purpose, or use a dataset approved for it.",
)
NO_LINEAGE = Rule(
    id="DATA007",
    slug="lineage-missing",
    severity=Severity.HIGH,
    summary="A lineage manifest lists no inputs, so nothing proves what the model saw.",
    remediation="Record every dataset the run reads (`mlgate lineage record`).",
)
RULES = (UNAPPROVED, DIGEST_MISMATCH, APPROVAL_WINDOW, LICENSE, PII, PURPOSE, NO_LINEAGE)
