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
from mlgate.cli.verify import ATTESTATION_FILENAME, BUNDLE_FILENAME
from mlgate.core.changes import ChangeScope
from mlgate.evidence import PREDICATE_TYPE
from mlgate.evidence.statement import Resource, StatementInputs, verdict_predicate
from mlgate.evidence.subjects import Subject, image_subject

REPO = Path(__file__).resolve().parents[3]
CLUSTER = REPO / "examples" / "cluster"
KYVERNO = CLUSTER / "kyverno-require-mlgate-verdict.yaml"
POLICY_CONTROLLER = CLUSTER / "policy-controller-mlgate-verdict.yaml"
KYVERNO_KEYLESS = CLUSTER / "kyverno-require-mlgate-verdict-keyless.yaml"
POLICY_CONTROLLER_KEYLESS = CLUSTER / "policy-controller-mlgate-verdict-keyless.yaml"
WORKFLOW = REPO / "examples" / "ci" / "github" / "mlgate.yml"


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
    """The ``mlgate``, ``cosign`` and ``oras`` commands of the header comment (``#   ``)."""
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
    return [c for c in commands if c[0] in {"mlgate", "cosign", "oras"}]


def admitted(path: Path, policy: dict[str, Any]) -> list[str]:
    if policy["kind"] == "ClusterPolicy":
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


# Keyless: the same rule over a Sigstore bundle signed by the example workflow's identity.


def kyverno_attestation(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``verifyImages`` entry of a Kyverno example and its one attestation."""
    (policy,) = yaml.safe_load_all(path.read_text())
    (rule,) = policy["spec"]["rules"]
    (verify,) = rule["verifyImages"]
    (attestation,) = verify["attestations"]
    return verify, attestation


def policy_controller_authority(path: Path) -> dict[str, Any]:
    (policy,) = yaml.safe_load_all(path.read_text())
    (authority,) = policy["spec"]["authorities"]
    return dict(authority)


def workflow_signer() -> tuple[str, str]:
    """The identity and issuer of the certificate the example workflow's keyless job gets.

    GitHub's certificate names the workflow file at the ref it ran on: the file's place is
    where its first comment says to copy it, the ref is the branch its pushes run on.
    """
    text = WORKFLOW.read_text()
    copied = re.match(r"# Copy to (\S+?)\.? ", text)
    assert copied is not None
    workflow = yaml.safe_load(text)
    (branch,) = workflow[True]["push"]["branches"]  # YAML 1.1 reads `on:` as True
    job = workflow["jobs"]["pre-deploy"]
    assert job["permissions"]["id-token"] == "write"
    assert job["if"] == "github.event_name == 'push'"
    gate = next(step for step in job["steps"] if step.get("id") == "mlgate")
    assert gate["with"]["attest-key"] == "sigstore"
    identity = f"https://github.com/ORG/REPO/{copied[1]}@refs/heads/{branch}"
    return identity, "https://token.actions.githubusercontent.com"


def test_keyless_signer_is_the_one_the_workflow_tells_deploy_steps_to_require() -> None:
    identity, issuer = workflow_signer()
    lines = [line.strip().removeprefix("#").strip() for line in WORKFLOW.read_text().splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("mlgate verify "))
    command = ""
    for line in lines[start:]:
        command += line.removesuffix("\\")
        if not line.endswith("\\"):
            break
    args = build_parser().parse_args(shlex.split(command.replace("<digest>", DIGEST))[1:])
    assert (args.certificate_identity, args.certificate_oidc_issuer) == (identity, issuer)


def test_keyless_kyverno_policy_checks_a_bundle_from_the_workflow_identity() -> None:
    verify, attestation = kyverno_attestation(KYVERNO_KEYLESS)
    assert verify["type"] == "SigstoreBundle"  # referrers holding Sigstore bundles
    assert attestation["type"] == PREDICATE_TYPE
    (attestor,) = attestation["attestors"]
    (entry,) = attestor["entries"]
    assert set(entry) == {"keyless"}  # no key: only the certificate identity is trusted
    identity, issuer = workflow_signer()
    assert entry["keyless"] == {
        "subject": identity, "issuer": issuer, "rekor": {"url": "https://rekor.sigstore.dev"},
    }  # fmt: skip
    # The very conditions of the key-based policy, over fields `mlgate run --attest` signs.
    assert attestation["conditions"] == kyverno_attestation(KYVERNO)[1]["conditions"]
    (conditions,) = attestation["conditions"]
    assert_fields_exist([p for c in conditions["all"] for p in kyverno_paths(c["key"])])
    assert verify["imageReferences"] == kyverno_attestation(KYVERNO)[0]["imageReferences"]


def test_keyless_policy_controller_policy_checks_a_bundle_from_the_workflow_identity() -> None:
    authority = policy_controller_authority(POLICY_CONTROLLER_KEYLESS)
    assert authority["signatureFormat"] == "bundle"
    assert "key" not in authority
    identity, issuer = workflow_signer()
    assert authority["keyless"] == {
        "url": "https://fulcio.sigstore.dev",
        "identities": [{"issuer": issuer, "subject": identity}],
    }
    assert authority["ctlog"] == {"url": "https://rekor.sigstore.dev"}
    (attestation,) = authority["attestations"]
    assert attestation["predicateType"] == PREDICATE_TYPE
    (keyed,) = policy_controller_authority(POLICY_CONTROLLER)["attestations"]
    assert attestation["policy"] == keyed["policy"]  # the same Rego, already field-checked
    (policy,) = yaml.safe_load_all(POLICY_CONTROLLER_KEYLESS.read_text())
    (keyed_policy,) = yaml.safe_load_all(POLICY_CONTROLLER.read_text())
    assert policy["spec"]["images"] == keyed_policy["spec"]["images"]


def oras_attach(argv: list[str]) -> tuple[str, dict[str, str], str, list[tuple[str, str]]]:
    """Artifact type, manifest annotations, target and (file, media type) of ``oras attach``.

    The command line as oras documents it: ``oras attach --artifact-type TYPE
    [--annotation KEY=VALUE]... NAME@DIGEST FILE[:LAYER_MEDIA_TYPE]...``.
    """
    assert argv[:2] == ["oras", "attach"]
    artifact_type = ""
    annotations: dict[str, str] = {}
    positional: list[str] = []
    rest = iter(argv[2:])
    for word in rest:
        if word == "--artifact-type":
            artifact_type = next(rest)
        elif word == "--annotation":
            key, _, value = next(rest).partition("=")
            annotations[key] = value
        else:
            assert not word.startswith("-"), word
            positional.append(word)
    target, *files = positional
    layers = [(name, media_type) for name, _, media_type in (f.partition(":") for f in files)]
    return artifact_type, annotations, target, layers


@pytest.mark.parametrize(
    "path", [KYVERNO_KEYLESS, POLICY_CONTROLLER_KEYLESS], ids=["kyverno", "policy-controller"]
)
def test_keyless_examples_push_the_bundle_run_writes_as_a_referrer_of_the_image(
    path: Path,
) -> None:
    from sigstore.models import Bundle

    (policy,) = yaml.safe_load_all(path.read_text())
    commands = commented_commands(path)
    (run,) = [build_parser().parse_args(c[1:]) for c in commands if c[:2] == ["mlgate", "run"]]
    assert run.gates == ["pre-deploy"] and run.attest == "sigstore"
    (reference,) = run.subject_images
    subject = image_subject(reference)
    assert subject.sha256 == DIGEST
    assert any(fnmatch.fnmatch(subject.name, pattern) for pattern in admitted(path, policy))
    (attach,) = [c for c in commands if c[0] == "oras"]
    artifact_type, annotations, target, files = oras_attach(attach)
    # The media type sigstore writes bundles in; Kyverno and cosign select referrers by it.
    bundle_type = Bundle.BundleType.BUNDLE_0_3.value
    assert artifact_type == bundle_type and artifact_type.startswith(
        "application/vnd.dev.sigstore.bundle"
    )
    assert files == [(f"mlgate-reports/{BUNDLE_FILENAME}", bundle_type)]
    assert target == reference  # the referrer's subject is the signed image, by digest
    assert annotations == {
        "dev.sigstore.bundle.content": "dsse-envelope",
        "dev.sigstore.bundle.predicateType": PREDICATE_TYPE,
    }
    for command in commands:
        if command[:2] == ["mlgate", "verify"]:
            checked = build_parser().parse_args(command[1:])
            assert checked.envelope == files[0][0] and checked.subject_images == [reference]
            assert (checked.certificate_identity, checked.certificate_oidc_issuer) == (
                workflow_signer()
            )


def test_a_real_bundle_has_the_media_type_the_referrer_declares() -> None:
    import json as json_module

    from sigstore.models import Bundle

    real = REPO / "tests" / "corpus" / "sigstore" / "pypi-publish.sigstore.json"
    assert json_module.loads(real.read_text())["mediaType"] == Bundle.BundleType.BUNDLE_0_3.value
    assert Bundle.from_json(real.read_bytes()).to_json()  # sigstore reads and writes this form
