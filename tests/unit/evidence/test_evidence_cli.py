from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from builders.cli import declare, sqli
from mlgate.cli.app import main

Keys = tuple[Path, Path]
POLICY = "version: 1\ngates:\n  pre-deploy:\n    checks:\n      findings: {paths: [declared]}\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("MLGATE_KEY_PASSWORD", raising=False)
    (tmp_path / "mlgate.yaml").write_text(POLICY)
    declare(tmp_path / "declared", sqli(severity="low"))
    (tmp_path / "model.bin").write_bytes(b"model weights")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def attest_and_verify(
    capsys: pytest.CaptureFixture[str], keys: Keys, *verify_args: str
) -> tuple[int, str, str]:
    code, out, _ = run(
        capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]), "--subject", "model.bin"
    )
    assert code == 0
    assert out == "mlgate: wrote signed statement (pass): " + (
        f"{Path.cwd() / 'mlgate-reports' / 'mlgate.intoto.jsonl'}\n"
    )
    return run(
        capsys, "verify", "mlgate-reports/mlgate.intoto.jsonl", "--key", str(keys[1]),
        "--gate", "pre-deploy", "--policy", "mlgate.yaml", *verify_args,
    )  # fmt: skip


def test_run_attest_then_verify_passes(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = attest_and_verify(capsys, keys, "--subject", "model.bin", "--max-age", "1h")
    assert (code, err) == (0, "")
    assert out == "mlgate: verified: gate pre-deploy passed under mlgate.yaml for 1 subject(s)\n"


def test_verify_wrong_subject_exits_1_with_one_line(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "other.bin").write_bytes(b"other weights")
    code, out, err = attest_and_verify(capsys, keys, "--subject", "other.bin")
    assert (code, out) == (1, "")
    assert err.startswith("mlgate: verification failed: subject other.bin (sha256:")
    assert err.count("\n") == 1


def test_verify_other_policy_exits_1(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]))
    assert code == 0
    (project / "mlgate.yaml").write_text(POLICY.replace("checks:", "mode: warn\n    checks:"))
    code, _, err = run(
        capsys, "verify", "mlgate-reports/mlgate.intoto.jsonl", "--key", str(keys[1]),
        "--subject", "declared", "--gate", "pre-deploy", "--policy", "mlgate.yaml",
    )  # fmt: skip
    assert code == 1
    assert err.startswith("mlgate: verification failed: policy digest differs: statement sha256:")


def test_blocked_run_is_attested_but_does_not_verify(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    declare(project / "declared", sqli())
    code, out, _ = run(
        capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]),
        "--subject", "model.bin", "--attestation", "out/statement.json",
    )  # fmt: skip
    assert code == 1
    assert out.endswith("mlgate: wrote signed statement (block): out/statement.json\n")
    envelope = json.loads((project / "out" / "statement.json").read_text())
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    code, _, err = run(
        capsys, "verify", "out/statement.json", "--key", str(keys[1]), "--subject", "model.bin",
        "--gate", "pre-deploy", "--policy", "mlgate.yaml",
    )  # fmt: skip
    assert code == 1
    assert err == "mlgate: verification failed: gate 'pre-deploy' verdict is 'block', not 'pass'\n"


def test_default_subjects_are_the_check_inputs(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]))[0] == 0
    line = (project / "mlgate-reports" / "mlgate.intoto.jsonl").read_text()
    from mlgate.evidence import parse_envelope

    statement = json.loads(parse_envelope(line.encode()).payload)
    assert [s["name"] for s in statement["subject"]] == ["declared/scan.findings.json"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--key", "missing.pub"), "mlgate: error: key missing.pub: no such file\n"),
        (("--max-age", "soon"),
         "mlgate: error: max age 'soon': expected a positive number and a unit, like 24h\n"),
        (("--policy", "nope.yaml"), "mlgate: error: policy nope.yaml: no such file\n"),
        (("--subject", "nope.bin"),
         "mlgate: error: subject nope.bin: no such file or directory\n"),
    ],
)  # fmt: skip
def test_verify_bad_input_exits_2(
    project: Path,
    keys: Keys,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    assert run(capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]))[0] == 0
    base = {"--key": str(keys[1]), "--subject": "model.bin", "--policy": "mlgate.yaml"}
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    options = [item for pair in base.items() for item in pair]
    code, _, err = run(
        capsys, "verify", "mlgate-reports/mlgate.intoto.jsonl", "--gate", "pre-deploy", *options
    )
    assert (code, err) == (2, message)


def test_verify_missing_or_malformed_envelope_exits_2(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "bad.json").write_text("{}")
    common = ("--key", str(keys[1]), "--subject", "model.bin", "--gate", "g", "--policy", "x")
    assert run(capsys, "verify", "none.json", *common)[::2] == (
        2,
        "mlgate: error: envelope none.json: no such file\n",
    )
    assert run(capsys, "verify", "bad.json", *common)[::2] == (
        2,
        "mlgate: error: not a DSSE envelope (needs payloadType, payload and signatures)\n",
    )


def test_bad_signing_key_stops_before_the_gates_run(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "run", "--no-progress", "--attest", str(keys[1]))
    assert (code, out) == (2, "")
    assert err.startswith(f"mlgate: error: {keys[1]}: not a usable PEM private key (")
    assert not (project / "mlgate-reports").exists()


def test_verify_requires_gate_and_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "e.json"]) == 2
    assert "the following arguments are required: --gate, --policy" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give --key PUB, or --certificate-identity and --certificate-oidc-issuer for a "
             "Sigstore bundle"),
        (("--key", "k.pub", "--certificate-identity", "me"),
         "give --key (a key-signed envelope) or --certificate-identity and "
         "--certificate-oidc-issuer (a Sigstore bundle), not both"),
        (("--key", "k.pub", "--trusted-root", "root.json"),
         "--trusted-root applies to Sigstore bundles only"),
        (("--key", "k.pub"), "name what is being deployed: --subject PATH or --subject-image REF"),
    ],
)  # fmt: skip
def test_verify_needs_one_way_to_trust_and_a_subject(
    project: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    (project / "e.json").write_text(
        '{"payloadType": "t", "payload": "", "signatures": [{"sig": ""}]}'
    )
    (project / "k.pub").write_bytes(
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    code, out, err = run(
        capsys, "verify", "e.json", "--gate", "g", "--policy", "mlgate.yaml", *argv
    )
    assert (code, out, err) == (2, "", f"mlgate: error: {message}\n")
