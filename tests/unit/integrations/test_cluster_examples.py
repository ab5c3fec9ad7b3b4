"""Cluster enforcement examples: valid YAML, our predicate type, and only predicate fields
that ``mlgate run --attest`` really writes."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from builders.verdicts import passing_verdict
from mlgate.cli.app import build_parser
from mlgate.cli.verify import ATTESTATION_FILENAME
from mlgate.core.changes import ChangeScope
from mlgate.evidence import PREDICATE_TYPE
from mlgate.evidence.statement import Resource, StatementInputs, verdict_predicate
from mlgate.evidence.subjects import Subject, image_subject

CLUSTER = Path(__file__).resolve().parents[3] / "examples" / "cluster"
KYVERNO = CLUSTER / "kyverno-require-mlgate-verdict.yaml"
POLICY_CONTROLLER = CLUSTER / "policy-controller-mlgate-verdict.yaml"


def predicate(*, pull_request: bool) -> dict[str, Any]:
    verdict = passing_verdict()
    if pull_request:
        verdict = replace(
            verdict, changed_since=ChangeScope(since="main", base="b", changed_files=1)
        )
    inputs = StatementInputs(
        subjects=(Subject(name="model", sha256="0" * 64),),
        policy=Resource(uri="mlgate.yaml", sha256="1" * 64),
        baseline=None,
        time_verified=datetime(2025, 3, 1, tzinfo=UTC),
    )
    # Through JSON, exactly as the signed payload carries it.
    document: dict[str, Any] = json.loads(json.dumps(verdict_predicate(verdict, inputs)))
    return document


def resolves(document: Any, path: str) -> bool:
    """Whether ``a.b[].c`` names a field of ``document`` (``[]``: the first list element)."""
    node = document
    for part in path.split("."):
        name, is_list = part.removesuffix("[]"), part.endswith("[]")
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
        if is_list:
            if not isinstance(node, list) or not node:
                return False
            node = node[0]
    return True


def kyverno_paths(key: str) -> list[str]:
    filtered = re.fullmatch(r"\{\{\s*(\w+)\[\?(\w+)==.*?\]\.(\w+).*\}\}", key)
    if filtered:
        return [f"{filtered[1]}[].{filtered[2]}", f"{filtered[1]}[].{filtered[3]}"]
    timed = re.fullmatch(r"\{\{\s*time_since\('', (\w+), ''\)\s*\}\}", key)
    if timed:
        return [timed[1]]
    plain = re.fullmatch(r"\{\{\s*([\w.]+).*\}\}", key)
    assert plain is not None, key
    return [plain[1]]


def test_kyverno_policy_checks_our_predicate_fields() -> None:
    (policy,) = yaml.safe_load_all(KYVERNO.read_text())
    assert (policy["apiVersion"], policy["kind"]) == ("kyverno.io/v1", "ClusterPolicy")
    (rule,) = policy["spec"]["rules"]
    (verify,) = rule["verifyImages"]
    (attestation,) = verify["attestations"]
    assert attestation["type"] == PREDICATE_TYPE
    (conditions,) = attestation["conditions"]
    paths = [p for c in conditions["all"] for p in kyverno_paths(c["key"])]
    assert paths == [
        "verificationResult", "gates[].name", "gates[].outcome", "policy.digest.sha256",
        "timeVerified", "changedSince",
    ]  # fmt: skip
    assert_fields_exist(paths)


def test_policy_controller_policy_checks_our_predicate_fields() -> None:
    (policy,) = yaml.safe_load_all(POLICY_CONTROLLER.read_text())
    assert (policy["apiVersion"], policy["kind"]) == (
        "policy.sigstore.dev/v1beta1", "ClusterImagePolicy",
    )  # fmt: skip
    (authority,) = policy["spec"]["authorities"]
    (attestation,) = authority["attestations"]
    assert attestation["predicateType"] == PREDICATE_TYPE
    rego = attestation["policy"]["data"]
    paths = re.findall(r"input\.predicate\.([\w.]+)", rego)
    paths = [p for p in paths if p != "gates"]
    paths += [f"gates[].{field}" for field in re.findall(r"\bgate\.(\w+)", rego)]
    assert sorted(paths) == [
        "changedSince", "gates[].name", "gates[].outcome", "policy.digest.sha256",
        "timeVerified", "verificationResult",
    ]  # fmt: skip
    assert_fields_exist(paths)


def assert_fields_exist(paths: list[str]) -> None:
    full, pull_request = predicate(pull_request=False), predicate(pull_request=True)
    for path in paths:
        # changedSince exists only in pull-request-mode statements, which the policies refuse.
        assert resolves(full, path) or resolves(pull_request, path), path
    assert not resolves(full, "changedSince") and resolves(pull_request, "changedSince")


@pytest.mark.parametrize("path", ["verdict", "gates[].missing", "policy.digest.sha512"])
def test_resolver_rejects_fields_we_do_not_write(path: str) -> None:
    assert not resolves(predicate(pull_request=False), path)


# The commands in the examples' comments: they parse, sign the image as a subject, and the
# subject they produce is an image the admission policy applies to.

DIGEST = "5e" * 32


def commented_commands(path: Path) -> list[list[str]]:
    """The ``mlgate`` and ``cosign`` commands of the header comment (``#   `` lines)."""
    commands: list[list[str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        if not line.startswith("#   "):
            continue
        pending += line.removeprefix("#").strip().replace("<digest>", DIGEST)
        if pending.endswith("\\"):
            pending = pending.removesuffix("\\")
            continue
        commands.append(shlex.split(pending))
        pending = ""
    return [c for c in commands if c[0] in {"mlgate", "cosign"}]


def admitted(path: Path, policy: dict[str, Any]) -> list[str]:
    if path == KYVERNO:
        (rule,) = policy["spec"]["rules"]
        (verify,) = rule["verifyImages"]
        return list(verify["imageReferences"])
    return [entry["glob"].replace("**", "*") for entry in policy["spec"]["images"]]


@pytest.mark.parametrize("path", [KYVERNO, POLICY_CONTROLLER], ids=["kyverno", "policy-controller"])
def test_examples_sign_the_admitted_image_and_attach_that_envelope(path: Path) -> None:
    (policy,) = yaml.safe_load_all(path.read_text())
    commands = commented_commands(path)
    runs = [build_parser().parse_args(c[1:]) for c in commands if c[:2] == ["mlgate", "run"]]
    (run,) = runs
    assert run.gates == ["pre-deploy"] and run.attest == "mlgate.key"
    (reference,) = run.subject_images
    subject = image_subject(reference)
    assert subject.sha256 == DIGEST
    assert any(fnmatch.fnmatch(subject.name, pattern) for pattern in admitted(path, policy))
    (attach,) = [c for c in commands if c[:3] == ["cosign", "attach", "attestation"]]
    assert attach[3:] == [
        "--attestation", f"mlgate-reports/{ATTESTATION_FILENAME}", reference,
    ]  # fmt: skip
    for command in commands:
        if command[:2] == ["mlgate", "verify"]:
            checked = build_parser().parse_args(command[1:])
            assert checked.envelope == attach[4] and checked.subject_images == [reference]
            assert checked.gate == "pre-deploy"
