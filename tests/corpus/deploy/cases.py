"""The labelled rate-limit corpus: every case, Kubernetes and application code."""

from __future__ import annotations

from corpus.deploy.cases_code import CODE_CASES
from corpus.deploy.cases_kube import KUBE_CASES, Case

CASES: tuple[Case, ...] = (*KUBE_CASES, *CODE_CASES)

__all__ = ["CASES", "Case"]
