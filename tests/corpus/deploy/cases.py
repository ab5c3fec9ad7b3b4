"""The labelled rate-limit corpus: every case, Kubernetes, application code and Terraform."""

from __future__ import annotations

from corpus.deploy.cases_code import CODE_CASES
from corpus.deploy.cases_kube import KUBE_CASES, Case
from corpus.deploy.cases_project import PROJECT_CASES
from corpus.deploy.cases_terraform import TERRAFORM_CASES

CASES: tuple[Case, ...] = (*KUBE_CASES, *CODE_CASES, *PROJECT_CASES, *TERRAFORM_CASES)

__all__ = ["CASES", "Case"]
