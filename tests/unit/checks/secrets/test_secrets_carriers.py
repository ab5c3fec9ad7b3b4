from __future__ import annotations

import re
import struct
from datetime import date
from pathlib import Path

from builders import archives as zb
from builders import secrets_carriers as sc
from builders import secrets_tokens as st
from builders.benign_pickles import joblib_wrapper
from builders.pickles import PickleWriter
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import ArtifactLocation, SourceLocation
from mlgate.credentials.rules import DETECTORS


def run(tmp_path: Path, files: dict[str, bytes]) -> CheckResult:
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    ctx = CheckContext(root=tmp_path, gate="t", today=date(2025, 1, 1))
    return SecretsCheck().run(ctx, SecretsConfig())


def places(result: CheckResult) -> list[tuple[str, str, object]]:
    out: list[tuple[str, str, object]] = []
    for f in result.findings:
        loc = f.location
        where: object = loc.start_line if isinstance(loc, SourceLocation) else None
        if isinstance(loc, ArtifactLocation):
            where = loc.member
        out.append((f.rule_id, loc.path or "", where))
    return sorted(out, key=str)


def test_notebook_findings_name_cell_line_and_file_line(tmp_path: Path) -> None:
    token = st.github(st.seeded(1))
    cells: list[dict[str, object]] = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# title"]},
        sc.code_cell(["import os", f'TOKEN = "{token}"']),
    ]
    data = sc.notebook_document(cells)
    file_line = next(i for i, ln in enumerate(data.decode().splitlines(), 1) if token in ln)
    result = run(tmp_path, {"nb.ipynb": data})
    assert places(result) == [("SEC007", "nb.ipynb", file_line)]
    assert "cell 2 source, line 2" in result.findings[0].message


def test_notebook_outputs_are_scanned_and_images_are_not(tmp_path: Path) -> None:
    rng = st.seeded(2)
    key = st.huggingface(rng)
    png: dict[str, object] = {"output_type": "display_data", "metadata": {},
           "data": {"image/png": "hf_" + "A" * 34, "text/plain": [f"login {key}"]}}  # fmt: skip
    data = sc.notebook_document([sc.code_cell(["show()"], [png])])
    result = run(tmp_path, {"nb.ipynb": data})
    assert [f.rule_id for f in result.findings] == ["SEC017"]
    assert "cell 1 output 1" in result.findings[0].message


def test_inline_ignore_with_reason_suppresses_and_without_reason_does_not(tmp_path: Path) -> None:
    rng = st.seeded(3)
    first, second = st.github(rng), st.github(rng)
    text = (
        f'A = "{first}"  # mlgate: ignore[secrets] revoked in INC-42\n'
        f'B = "{second}"  # mlgate: ignore[secrets]\n'
    )
    result = run(tmp_path, {"a.py": text.encode()})
    assert places(result) == [("SEC007", "a.py", 2)]
    assert "gives no reason" in result.findings[0].message
    assert result.metrics[0].value == 1.0


def test_artifacts_report_member_for_each_carrier(tmp_path: Path) -> None:
    rng = st.seeded(4)
    files = {}
    expected = []
    for carrier in ("pickle", "joblib", "npz", "zip"):
        planted = sc.BUILDERS[carrier]("api", st.stripe(rng), rng)
        name = f"{carrier}/{planted.filename}"
        files[name] = planted.data
        expected.append(("SEC012", name, planted.member))
    assert places(run(tmp_path, files)) == sorted(expected, key=str)


def test_pickle_length_prefix_never_glues_onto_a_token(tmp_path: Path) -> None:
    # 108 characters: SHORT_BINUNICODE's length byte is b"l", which a raw-bytes scan
    # reads as part of "lsk-ant-..." and so misses the token's start.
    key = st.anthropic(st.seeded(5))
    assert len(key) == 108 == ord("l")
    data = PickleWriter().proto(4).text(key).stop().data
    pattern = next(d.pattern for d in DETECTORS if d.rule.id == "SEC016")
    assert pattern.search(data.decode("latin-1")) is None
    result = run(tmp_path, {"m.pkl": data})
    assert [(f.rule_id, f.location) for f in result.findings] == [
        ("SEC016", ArtifactLocation(path="m.pkl", member=None, offset=2))
    ]


def test_joblib_inline_utf32_array_strings_are_found(tmp_path: Path) -> None:
    token = st.gitlab(st.seeded(6))
    w = PickleWriter().proto(4).empty_dict().mark().text("classes")
    joblib_wrapper(w, 2, aligned=False, proto=4)
    raw = w.setitems().stop().data
    body = token.encode("utf-32-le")
    marker = struct.pack("<2d", 0.0, 1.5)
    data = raw.replace(marker, body[: len(marker)]) + body
    result = run(tmp_path, {"m.joblib": zb.compress(data, "gzip")})
    assert [f.rule_id for f in result.findings] == ["SEC009"]


def test_findings_never_carry_the_value_and_fingerprints_hash_it(tmp_path: Path) -> None:
    token = st.github(st.seeded(7))
    result = run(
        tmp_path, {"a.py": f'T = "{token}"\n'.encode(), "b.py": f'\n\nT = "{token}"\n'.encode()}
    )
    assert len(result.findings) == 2
    for finding in result.findings:
        assert token not in repr(finding) and token[4:12] not in repr(finding)
    assert result.findings[0].fingerprint != result.findings[1].fingerprint
    moved = run(tmp_path, {"a.py": f'\n\n\nT = "{token}"\n'.encode()})
    first = next(f for f in moved.findings if f.location.path == "a.py")
    assert first.fingerprint == result.findings[0].fingerprint


def test_unreadable_artifact_parts_are_errors_and_binaries_give_runs(tmp_path: Path) -> None:
    token = st.sendgrid(st.seeded(8))
    archive = bytearray(zb.make_zip([zb.Member(name="x.pkl", data=b"\x80\x04N.")]))
    central = archive.index(b"PK\x01\x02")
    archive[8:10] = archive[central + 10 : central + 12] = (99).to_bytes(2, "little")
    blob = bytes(100) + token.encode() + bytes(100)
    result = run(tmp_path, {"a.zip": bytes(archive), "lib.so": blob})
    assert [f.rule_id for f in result.findings] == ["SEC014"]
    assert len(result.errors) == 1 and re.match(r"^a\.zip!x\.pkl: unsupported", result.errors[0])
