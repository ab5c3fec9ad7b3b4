"""Explain every block: opcode paths, fix hints and member locations of artifact findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import archives as zb
from builders import pickles as pk
from mlgate.checks.artifacts.check import ArtifactsConfig, scan_file
from mlgate.checks.artifacts.rules import RULES
from mlgate.core.finding import ArtifactLocation, Finding


def _scan(tmp_path: Path, name: str, data: bytes) -> list[Finding]:
    (tmp_path / name).write_bytes(data)
    scan = scan_file(tmp_path / name, name, ArtifactsConfig().settings())
    assert scan is not None
    return scan.findings


def _explained(findings: list[Finding]) -> list[tuple[str, str | None, int | None, str]]:
    rows = []
    for finding in findings:
        assert isinstance(finding.location, ArtifactLocation)
        path = dict(finding.properties).get("opcode_path", "")
        rows.append((finding.rule_id, finding.location.member, finding.location.offset, path))
    return rows


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pk.call_global("os", "system"), ("ART002", None, 2, "GLOBAL os system @2 -> REDUCE @23")),
        (pk.memo_payload(), ("ART002", None, 2, "GLOBAL posix system @2 -> REDUCE @28")),
        (
            pk.call_stack_global("subprocess", "Popen"),
            ("ART002", None, 23, "STACK_GLOBAL subprocess Popen @23 -> REDUCE @32"),
        ),
        (pk.call_inst("os", "system"), ("ART002", None, 9, "INST os system @9 -> INST @9")),
    ],
    ids=["global-reduce", "memo", "stack-global", "inst"],
)
def test_pickle_findings_carry_their_opcode_path(
    tmp_path: Path, data: bytes, expected: tuple[str, None, int, str]
) -> None:
    [finding] = _scan(tmp_path, "model.pkl", data)
    assert _explained([finding]) == [expected]
    assert finding.evidence is not None and finding.evidence.startswith(expected[3])


def test_build_on_global_and_extension_paths(tmp_path: Path) -> None:
    build = _scan(tmp_path, "b.pkl", pk.build_on_global())
    assert _explained(build) == [
        ("ART001", None, 2, "GLOBAL torch _utils @2 -> BUILD @23"),
        ("ART005", None, 23, "GLOBAL torch _utils @2 -> BUILD @23"),
    ]
    assert _explained(_scan(tmp_path, "e.pkl", pk.extension_payload())) == [
        ("ART002", None, 2, "GLOBAL copyreg add_extension @2 -> REDUCE @40"),
        ("ART002", None, 42, "EXT1 os system @42 -> REDUCE @51"),
    ]


def test_member_findings_count_offsets_within_the_member(tmp_path: Path) -> None:
    findings = _scan(tmp_path, "m.pt", zb.torch_zip(pk.call_global("os", "system")))
    assert _explained(findings) == [
        ("ART002", "archive/data.pkl", 2, "GLOBAL os system @2 -> REDUCE @23")
    ]
    assert dict(findings[0].properties)["global"] == "os.system"


def test_zip_header_findings_say_their_offset_is_the_archive_s(tmp_path: Path) -> None:
    findings = _scan(tmp_path, "m.pt", zb.torch_zip(pk.call_global("os", "system"), bad_crc=True))
    header = [f for f in findings if f.rule_id == "ART030"]
    assert header and all(dict(f.properties)["offset_base"] == "container" for f in header)


def test_many_calls_of_one_import_are_summarised(tmp_path: Path) -> None:
    w = pk.PickleWriter().proto(2).glob("mypkg", "Thing").binput(0)
    for _ in range(6):
        w.pop().binget(0).mark().tuple_().reduce()
    [finding] = _scan(tmp_path, "m.pkl", w.stop().data)
    path = dict(finding.properties)["opcode_path"]
    assert path.startswith("GLOBAL mypkg Thing @2 -> REDUCE @") and path.endswith("-> ... 2 more")
    assert path.count("REDUCE") == 4


def test_every_pickle_rule_names_a_format_that_cannot_run_code() -> None:
    pickle_rules = [r for r in RULES if r.id in {"ART001", "ART002", "ART003", "ART005", "ART010"}]
    for rule in pickle_rules:
        assert rule.remediation is not None
        assert all(word in rule.remediation for word in ("safetensors", "skops", "ONNX"))
