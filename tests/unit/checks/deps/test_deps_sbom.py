"""The CycloneDX SBOM validates against the 1.6 schema and lists exactly what it should."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from builders.osv import cyclonedx_errors, poetry_lock
from mlgate.checks.deps import DepsConfig
from mlgate.checks.deps.check import inventory
from mlgate.checks.deps.sbom import ArtifactComponent, build_sbom
from mlgate.core.check import CheckContext

SERIAL = UUID("12345678-1234-5678-1234-567812345678")
MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


def test_sbom_of_locks_models_and_datasets_is_valid_and_exact(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text(poetry_lock([("Jinja2", "3.1.4"), ("rich", "13.7.1")]))
    (tmp_path / "requirements.txt").write_text("jinja2==3.1.4\nflask>=3\n-e ./local\n")
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    dependencies, errors = inventory(context, DepsConfig())
    assert errors == ()
    artifacts = [
        ArtifactComponent(name="churn-model", kind="model", sha256="sha256:" + "a" * 64,
                          path="models/churn.safetensors"),
        ArtifactComponent(name="churn-train", kind="dataset", sha256="b" * 64),
    ]  # fmt: skip
    text = build_sbom(dependencies, artifacts, serial=SERIAL, timestamp=MOMENT)
    document = json.loads(text)
    assert cyclonedx_errors(document) == []
    assert document["serialNumber"] == f"urn:uuid:{SERIAL}"
    libraries = [(c["name"], c["version"], c["purl"]) for c in document["components"]
                 if c["type"] == "library"]  # fmt: skip
    assert libraries == [
        ("jinja2", "3.1.4", "pkg:pypi/jinja2@3.1.4"),
        ("rich", "13.7.1", "pkg:pypi/rich@13.7.1"),
    ]
    jinja = next(c for c in document["components"] if c["name"] == "jinja2")
    assert [p["value"] for p in jinja["properties"]] == ["poetry.lock", "requirements.txt"]
    model = next(c for c in document["components"] if c["type"] == "machine-learning-model")
    assert model["hashes"] == [{"alg": "SHA-256", "content": "a" * 64}]
    data = next(c for c in document["components"] if c["type"] == "data")
    assert data["name"] == "churn-train"


def test_same_inputs_give_the_same_document(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("a==1\nb==2\n")
    context = CheckContext(root=tmp_path, gate="g", today=date(2026, 1, 1))
    dependencies, _ = inventory(context, DepsConfig())
    first = build_sbom(dependencies, serial=SERIAL, timestamp=MOMENT)
    again = build_sbom(reversed(dependencies), serial=SERIAL, timestamp=MOMENT)
    assert first == again
