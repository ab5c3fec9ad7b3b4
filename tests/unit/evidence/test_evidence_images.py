"""Container images as statement subjects: named by digest, from the images check or by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.app import main
from mlgate.core.errors import UsageError
from mlgate.core.policy.load import load_policy
from mlgate.evidence import parse_envelope
from mlgate.evidence.images import judged_images, repo_digests
from mlgate.evidence.subjects import Subject, image_subject

Keys = tuple[Path, Path]
SERVER = "registry.example.com/churn/model-server"
MANIFEST = "3f" * 32
CONFIG = "c0" * 32  # the image ID: the digest of the image's configuration, not its manifest
OTHER = "9a" * 32
POLICY = """\
version: 1
gates:
  pre-deploy:
    checks:
      images:
        paths: [scans]
        expected_digest: {expected}
"""


def trivy_report() -> dict[str, Any]:
    """A Trivy 0.5x ``image`` report of a clean image, as `trivy image -f json` writes it."""
    return {
        "SchemaVersion": 2,
        "CreatedAt": "2025-03-01T11:58:03.123456789Z",
        "ArtifactName": f"{SERVER}:1.4.2",
        "ArtifactType": "container_image",
        "Metadata": {
            "OS": {"Family": "debian", "Name": "12.9"},
            "ImageID": f"sha256:{CONFIG}",
            "RepoTags": [f"{SERVER}:1.4.2"],
            "RepoDigests": [f"{SERVER}@sha256:{MANIFEST}"],
        },
        "Results": [{"Target": f"{SERVER}:1.4.2 (debian 12.9)", "Class": "os-pkgs"}],
    }


def grype_report() -> dict[str, Any]:
    """A Grype ``-o json`` report of the same image under a mirror's name."""
    return {
        "matches": [],
        "source": {
            "type": "image",
            "target": {
                "userInput": f"mirror.example.com/churn/model-server:1.4.2@sha256:{MANIFEST}",
                "imageID": f"sha256:{CONFIG}",
                "manifestDigest": f"sha256:{MANIFEST}",
                "repoDigests": [f"mirror.example.com/churn/model-server@sha256:{MANIFEST}"],
            },
        },
        "descriptor": {"name": "grype", "version": "0.87.0", "timestamp": "2025-03-01T12:00:00Z"},
    }


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        (f"{SERVER}@sha256:{MANIFEST}", SERVER),
        (f"{SERVER}:1.4.2@sha256:{MANIFEST}", SERVER),
        (f"registry.example.com:5000/churn/server@sha256:{MANIFEST.upper()}",
         "registry.example.com:5000/churn/server"),
        (f"  server@sha256:{MANIFEST}\n", "server"),
    ],
)  # fmt: skip
def test_image_references_by_digest_become_subjects(reference: str, name: str) -> None:
    assert image_subject(reference) == Subject(name=name, sha256=MANIFEST)


@pytest.mark.parametrize(
    "reference",
    [
        f"{SERVER}:1.4.2",
        f"{SERVER}@sha256:{MANIFEST[:-1]}",
        f"{SERVER}@sha512:{MANIFEST}{MANIFEST}",
        f"@sha256:{MANIFEST}",
        f"registry.example.com/@sha256:{MANIFEST}",
    ],
)
def test_tags_and_malformed_digests_are_refused(reference: str) -> None:
    with pytest.raises(UsageError) as raised:
        image_subject(reference)
    assert str(raised.value) == (
        f"image {reference!r}: name the image by digest, like REPOSITORY@sha256:<64 hex> "
        "(a tag can be moved after the gate judged it)"
    )


def test_reports_name_their_image_by_repository_digest_never_image_id() -> None:
    assert repo_digests(trivy_report()) == [f"{SERVER}@sha256:{MANIFEST}"]
    assert repo_digests(grype_report()) == [
        f"mirror.example.com/churn/model-server@sha256:{MANIFEST}"
    ]
    local = trivy_report()
    del local["Metadata"]["RepoDigests"]  # an image built locally and never pushed
    assert repo_digests(local) == []
    assert repo_digests({"runs": []}) == []


def write_project(root: Path, expected: str) -> Path:
    (root / "scans").mkdir(parents=True)
    (root / "scans" / "trivy.json").write_text(json.dumps(trivy_report()))
    (root / "scans" / "grype.json").write_text(json.dumps(grype_report()))
    (root / "scans" / "sbom.json").write_text('{"bomFormat": "CycloneDX"}')  # names no image
    (root / "mlgate.yaml").write_text(POLICY.format(expected=expected))
    return root / "mlgate.yaml"


def test_judged_images_are_the_expected_digest_and_the_reports_images(tmp_path: Path) -> None:
    policy = load_policy(write_project(tmp_path, f'"{SERVER}:1.4.2@sha256:{MANIFEST}"'))
    assert judged_images(policy) == [
        Subject(name=SERVER, sha256=MANIFEST),
        Subject(name="mirror.example.com/churn/model-server", sha256=MANIFEST),
    ]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("MLGATE_KEY_PASSWORD", raising=False)
    write_project(tmp_path, f'"sha256:{MANIFEST}"')
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verify_image(
    capsys: pytest.CaptureFixture[str], keys: Keys, reference: str
) -> tuple[int, str, str]:
    return run(
        capsys, "verify", "mlgate-reports/mlgate.intoto.jsonl", "--key", str(keys[1]),
        "--subject-image", reference, "--gate", "pre-deploy", "--policy", "mlgate.yaml",
    )  # fmt: skip


def test_gated_image_is_a_default_subject_and_verifies(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]))[0] == 0
    line = (project / "mlgate-reports" / "mlgate.intoto.jsonl").read_bytes()
    statement = json.loads(parse_envelope(line).payload)
    images = [s for s in statement["subject"] if not s["name"].startswith("scans/")]
    assert images == [  # reports in path order: grype.json, then trivy.json
        {"name": "mirror.example.com/churn/model-server", "digest": {"sha256": MANIFEST}},
        {"name": SERVER, "digest": {"sha256": MANIFEST}},
    ]
    code, out, err = verify_image(capsys, keys, f"{SERVER}@sha256:{MANIFEST}")
    assert (code, err) == (0, "")
    assert out == "mlgate: verified: gate pre-deploy passed under mlgate.yaml for 1 subject(s)\n"
    code, _, err = verify_image(capsys, keys, f"{SERVER}@sha256:{OTHER}")
    assert code == 1
    assert err == (
        f"mlgate: verification failed: subject {SERVER} (sha256:{OTHER[:12]}...) "
        "is not a subject of the statement\n"
    )


def test_explicit_subject_image_replaces_the_defaults(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = f"{SERVER}@sha256:{OTHER}"
    code, _, _ = run(
        capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]), "--subject-image", reference
    )
    assert code == 0
    line = (project / "mlgate-reports" / "mlgate.intoto.jsonl").read_bytes()
    assert json.loads(parse_envelope(line).payload)["subject"] == [
        {"name": SERVER, "digest": {"sha256": OTHER}}
    ]
    assert verify_image(capsys, keys, reference)[0] == 0
    assert verify_image(capsys, keys, f"{SERVER}@sha256:{MANIFEST}")[0] == 1


def test_a_tag_is_refused_before_the_gates_run_and_at_verify(
    project: Path, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "run", "--no-progress", "--attest", str(keys[0]), "--subject-image", f"{SERVER}:1"
    )
    assert code == 2
    assert err.startswith(f"mlgate: error: image '{SERVER}:1': name the image by digest")
    assert not (project / "mlgate-reports").exists()
    assert run(capsys, "run", "-q", "--no-progress", "--attest", str(keys[0]))[0] == 0
    code, _, err = verify_image(capsys, keys, f"{SERVER}:latest")
    assert code == 2
    assert err.startswith(f"mlgate: error: image '{SERVER}:latest': name the image by digest")
