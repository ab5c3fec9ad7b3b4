"""Sigstore keyless evidence: everything but the Fulcio/Rekor round trip, for real.

A real production bundle (see tests/corpus/sigstore/README.md) is verified offline
against the production trusted root the ``sigstore`` package ships: certificate chain,
transparency log entry, DSSE signature and the required identity and issuer. Signing
needs Fulcio and Rekor on the network, so only what precedes it is exercised here: the
missing extra, a job without an OIDC identity, and that sigstore accepts our statement.
"""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest

from builders.cli import declare, sqli
from builders.verdicts import passing_verdict
from mlgate.cli.app import main
from mlgate.core.clock import FixedClock
from mlgate.evidence.attest import statement_payload
from mlgate.evidence.dsse import pae
from mlgate.evidence.keyless import MISSING_EXTRA, NO_IDENTITY
from mlgate.evidence.statement import PAYLOAD_TYPE, PREDICATE_TYPE

REPO = Path(__file__).resolve().parents[3]
BUNDLE = REPO / "tests" / "corpus" / "sigstore" / "pypi-publish.sigstore.json"
IDENTITY = (
    "https://github.com/trailofbits/pypi-attestation-models/.github/workflows/release.yml"
    "@refs/tags/v0.0.4a2"
)
ISSUER = "https://token.actions.githubusercontent.com"
SUBJECT_SHA256 = "c9709ce6fd5b67b59b4a28758cf14d3f411803c4b89b6068b1f1a8e4ee94c8ef"
POLICY = "version: 1\ngates:\n  pre-deploy:\n    checks:\n      findings: {paths: [declared]}\n"
# Every variable through which `id` finds an ambient OIDC credential.
AMBIENT = (
    "GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
    "GOOGLE_SERVICE_ACCOUNT_NAME", "BUILDKITE", "GITLAB_CI", "SIGSTORE_ID_TOKEN", "CIRCLECI",
)  # fmt: skip


def shipped_root(instance: str) -> Path:
    """The trusted root the sigstore package embeds for a public-good instance."""
    return Path(
        str(files("sigstore") / "_store" / f"https%3A%2F%2F{instance}" / "trusted_root.json")
    )


PRODUCTION_ROOT = shipped_root("tuf-repo-cdn.sigstore.dev")
STAGING_ROOT = shipped_root("tuf-repo-cdn.sigstage.dev")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in AMBIENT:
        monkeypatch.delenv(name, raising=False)
    # On a Google Cloud VM `id` would ask the metadata server: this test runs nowhere.
    from id._internal.oidc import ambient

    monkeypatch.setattr(ambient, "_GCP_PRODUCT_NAME_FILE", str(tmp_path / "no-product-name"))
    (tmp_path / "mlgate.yaml").write_text(POLICY)
    declare(tmp_path / "declared", sqli(severity="low"))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verify_bundle(
    capsys: pytest.CaptureFixture[str], bundle: Path, *options: str
) -> tuple[int, str, str]:
    return run(
        capsys, "verify", str(bundle), "--subject-image", f"pypi.org/pkg@sha256:{SUBJECT_SHA256}",
        "--gate", "pre-deploy", "--policy", "mlgate.yaml", *options,
    )  # fmt: skip


def identity(name: str = IDENTITY, issuer: str = ISSUER) -> tuple[str, ...]:
    return ("--certificate-identity", name, "--certificate-oidc-issuer", issuer)


def test_real_bundle_verifies_offline_then_its_statement_is_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = verify_bundle(
        capsys, BUNDLE, *identity(), "--trusted-root", str(PRODUCTION_ROOT)
    )
    # Certificate, log entry, signature and identity held: only the statement is refused.
    assert (code, out) == (1, "")
    assert err == (
        "mlgate: verification failed: predicate type is "
        f"'https://docs.pypi.org/attestations/publish/v1', not '{PREDICATE_TYPE}'\n"
    )


@pytest.mark.parametrize(
    "options",
    [
        identity(name=IDENTITY.replace("v0.0.4a2", "v0.0.5")),
        identity(name="https://github.com/trailofbits/pypi-attestation-models"),
        identity(issuer="https://gitlab.com"),
    ],
)
def test_another_identity_or_issuer_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...]
) -> None:
    code, out, err = verify_bundle(capsys, BUNDLE, *options, "--trusted-root", str(PRODUCTION_ROOT))
    assert (code, out) == (1, "")
    assert err.startswith("mlgate: verification failed: Sigstore bundle does not verify: ")
    assert "predicate type" not in err  # nothing in an unverified payload is looked at


def test_another_trusted_root_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = verify_bundle(capsys, BUNDLE, *identity(), "--trusted-root", str(STAGING_ROOT))
    assert code == 1
    assert err.startswith("mlgate: verification failed: Sigstore bundle does not verify: ")


def test_a_tampered_payload_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(BUNDLE.read_text())
    statement = json.loads(base64.b64decode(document["dsseEnvelope"]["payload"]))
    statement["subject"][0]["digest"]["sha256"] = "0" * 64
    document["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    tampered = project / "tampered.sigstore.json"
    tampered.write_text(json.dumps(document))
    code, out, err = verify_bundle(
        capsys, tampered, *identity(), "--trusted-root", str(PRODUCTION_ROOT)
    )
    assert (code, out) == (1, "")
    assert err.startswith("mlgate: verification failed: Sigstore bundle does not verify: ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a Sigstore bundle ("),
        ('{"payloadType": "t", "payload": "", "signatures": [{"sig": ""}]}',
         "not a Sigstore bundle ("),
    ],
)  # fmt: skip
def test_what_is_not_a_bundle_is_bad_input(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project / "x.json").write_text(content)
    code, out, err = verify_bundle(capsys, project / "x.json", *identity())
    assert (code, out) == (2, "")
    assert err.startswith(f"mlgate: error: {message}")
    assert err.count("\n") == 1


def test_identity_without_issuer_is_bad_input(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = verify_bundle(capsys, BUNDLE, "--certificate-identity", IDENTITY)
    assert code == 2
    assert err == (
        "mlgate: error: a Sigstore bundle is verified against both --certificate-identity "
        "and --certificate-oidc-issuer\n"
    )


def test_missing_trusted_root_file_is_bad_input(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = verify_bundle(capsys, BUNDLE, *identity(), "--trusted-root", "root.json")
    assert (code, err) == (2, "mlgate: error: trusted root root.json: no such file\n")


def test_run_without_an_oidc_identity_stops_before_the_gates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "run", "--no-progress", "--attest", "sigstore")
    assert (code, out, err) == (2, "", f"mlgate: error: {NO_IDENTITY}\n")
    assert not (project / "mlgate-reports").exists()


def test_github_job_without_id_token_permission_is_named(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run(capsys, "run", "--no-progress", "--attest", "sigstore")
    assert (code, out) == (2, "")
    assert err.startswith("mlgate: error: keyless signing: GitHub: missing or insufficient OIDC")
    assert "ACTIONS_ID_TOKEN_REQUEST_TOKEN" in err


def test_gitlab_token_for_another_audience_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def segment(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv(
        "SIGSTORE_ID_TOKEN", f"{segment({'alg': 'none'})}.{segment({'aud': 'vault'})}.x"
    )
    code, _, err = run(capsys, "run", "--no-progress", "--attest", "sigstore")
    assert code == 2
    assert err == (
        "mlgate: error: keyless signing: Token audience claim mismatch "
        "(expected sigstore, got vault)\n"
    )


def test_missing_extra_is_named_for_signing_and_verifying(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sigstore", None)
    assert run(capsys, "run", "--no-progress", "--attest", "sigstore")[::2] == (
        2, f"mlgate: error: {MISSING_EXTRA}\n",
    )  # fmt: skip
    assert verify_bundle(capsys, BUNDLE, *identity())[::2] == (
        2,
        f"mlgate: error: {MISSING_EXTRA}\n",
    )
    assert MISSING_EXTRA == (
        "keyless signing needs the 'sigstore' package: pip install 'mlgate[sigstore]'"
    )


def test_a_key_file_named_sigstore_is_still_a_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "sigstore").write_text("not a key")
    code, _, err = run(capsys, "run", "--no-progress", "--attest", "./sigstore")
    assert code == 2
    assert err.startswith("mlgate: error: ./sigstore: not a usable PEM private key (")


def test_sigstore_accepts_our_statement_for_dsse_signing(tmp_path: Path) -> None:
    from sigstore import dsse

    from mlgate.core.policy.load import load_policy

    (tmp_path / "mlgate.yaml").write_text(POLICY)
    declare(tmp_path / "declared", sqli(severity="low"))
    (tmp_path / "model.bin").write_bytes(b"weights")
    image = "registry.example.com/churn/server@sha256:" + "ab" * 32
    payload = statement_payload(
        passing_verdict(), load_policy(tmp_path / "mlgate.yaml"),
        clock=FixedClock(datetime(2025, 3, 1, tzinfo=UTC)),
        subjects=[tmp_path / "model.bin"], images=[image],
    )  # fmt: skip
    statement = dsse.Statement(payload)  # the class `sign_dsse` takes; it validates the shape
    assert statement._pae() == pae(PAYLOAD_TYPE, payload)  # signed byte for byte as written
    assert [s["name"] for s in json.loads(payload)["subject"]] == [
        "model.bin", "registry.example.com/churn/server",
    ]  # fmt: skip


def test_a_bundle_given_a_key_is_pointed_to_the_identity_options(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = verify_bundle(capsys, BUNDLE, "--key", "mlgate.pub")
    assert code == 2
    assert err == (
        f"mlgate: error: {BUNDLE} is a Sigstore bundle: verify it with --certificate-identity "
        "and --certificate-oidc-issuer instead of --key\n"
    )
