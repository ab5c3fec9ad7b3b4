"""Every dependency file format, read into exact records; includes are bounded."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders.osv import fake_hash, pip_audit_report, pipfile_lock, poetry_lock, pylock, uv_lock
from mlgate.checks.deps.readers import classify, read_dependency_file
from mlgate.checks.deps.readers.pip_audit import read_pip_audit
from mlgate.checks.deps.readers.requirements import (
    MAX_INCLUDE_DEPTH,
    logical_lines,
    read_requirements,
)
from mlgate.checks.deps.records import Dependency, DependencyFileError, ReadResult, normalize_name
from mlgate.core.errors import ResourceLimitError


def display(root: Path) -> Callable[[Path], str]:
    return lambda path: path.resolve().relative_to(root.resolve()).as_posix()


def read(root: Path, name: str) -> ReadResult:
    path = root / name
    kind = classify(path)
    assert kind is not None
    return read_dependency_file(path, kind, root=root, display=display(root))


def summary(result: ReadResult) -> list[tuple[str, str | None, int | None]]:
    return [(d.name, d.version, d.line) for d in result.dependencies]


def test_pep503_normalisation() -> None:
    assert normalize_name("Foo.Bar__baz-QUX") == "foo-bar-baz-qux"


def test_requirements_pins_hashes_markers_and_continuations(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "# comment\n"
        "--index-url https://example.invalid/simple\n"
        "Jinja2==2.4.1 \\\n"
        "    --hash=sha256:aaa \\\n"
        "    --hash=sha256:bbb\n"
        'requests>=2.0 ; python_version < "3.12"  # trailing comment\n'
        "-e ./local\n"
        "./wheels/x.whl\n"
        "pkg @ https://example.invalid/pkg-1.0.tar.gz\n"
        "Django===4.2.0\n"
    )
    result = read(tmp_path, "requirements.txt")
    assert result.problems == ()
    jinja, requests, pkg, django = result.dependencies
    assert jinja == Dependency(
        name="jinja2", version="2.4.1", specifier="==2.4.1", path="requirements.txt", line=3,
        source="requirements", hashes=("sha256:aaa", "sha256:bbb"),
    )  # fmt: skip
    assert (requests.version, requests.marker, requests.line) == (
        None, 'python_version < "3.12"', 6,
    )  # fmt: skip
    assert pkg.is_local and pkg.version is None
    assert (django.name, django.version) == ("django", "4.2.0")


def test_wildcard_and_multi_clause_specifiers_are_not_pins(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("a==1.*\nb>=1,<2\nc\nd==1.0\n")
    assert summary(read(tmp_path, "requirements.txt")) == [
        ("a", None, 1), ("b", None, 2), ("c", None, 3), ("d", "1.0", 4),
    ]  # fmt: skip


def test_includes_are_followed_once_with_their_own_paths(tmp_path: Path) -> None:
    (tmp_path / "reqs").mkdir()
    (tmp_path / "requirements.txt").write_text(
        "-r reqs/base.txt\n--requirement=reqs/base.txt\nx==1\n"
    )
    (tmp_path / "reqs" / "base.txt").write_text("y==2\n-r ../requirements.txt\n")
    result = read(tmp_path, "requirements.txt")
    assert [(d.name, d.path, d.line) for d in result.dependencies] == [
        ("y", "reqs/base.txt", 1), ("x", "requirements.txt", 3),
    ]  # fmt: skip
    assert result.files == ("reqs/base.txt", "requirements.txt")


def test_includes_outside_root_missing_or_remote_are_problems(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("z==1\n")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "requirements.txt").write_text(
        "-r ../secret.txt\n-r link.txt\n-r nope.txt\n-r https://x.invalid/r.txt\n"
    )
    result = read(root, "requirements.txt")
    assert result.dependencies == ()
    assert result.problems == (
        "requirements.txt:1: include '../secret.txt' leaves the scanned tree",
        "requirements.txt:2: include 'link.txt' leaves the scanned tree",
        "requirements.txt:3: included file 'nope.txt' does not exist",
        "requirements.txt:4: remote include 'https://x.invalid/r.txt' is not read (offline)",
    )


def test_include_depth_is_bounded(tmp_path: Path) -> None:
    for level in range(MAX_INCLUDE_DEPTH + 2):
        (tmp_path / f"r{level}.txt").write_text(f"-r r{level + 1}.txt\np{level}==1\n")
    result = read_requirements(tmp_path / "r0.txt", root=tmp_path, display=lambda p: p.name)
    assert len(result.dependencies) == MAX_INCLUDE_DEPTH + 1
    assert result.problems == (f"r{MAX_INCLUDE_DEPTH}.txt:1: includes nested deeper than 8",)


def test_unparseable_requirement_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "requirements-dev.txt").write_text("good==1\nbad name ===\n")
    result = read(tmp_path, "requirements-dev.txt")
    assert summary(result) == [("good", "1", 1)]
    assert len(result.problems) == 1
    assert result.problems[0].startswith("requirements-dev.txt: line 2: not a requirement")


def test_pyproject_pep621_groups_and_poetry(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = [\n    "flask==2.0.1",\n    "rich>=13",\n]\n'
        '[project.optional-dependencies]\nml = ["numpy==1.26.0"]\n'
        '[dependency-groups]\ndev = ["pytest==8.0.0", {include-group = "x"}]\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nPyYAML = "5.3"\n'
        'httpx = { version = "^0.27", markers = "sys_platform == \'linux\'" }\n'
        'mine = { path = "../mine" }\n'
        '[tool.poetry.group.dev.dependencies]\nblack = "==24.1.0"\n'
    )
    result = read(tmp_path, "pyproject.toml")
    assert result.problems == ()
    assert summary(result) == [
        ("flask", "2.0.1", 4), ("rich", None, 5), ("numpy", "1.26.0", 8),
        ("pytest", "8.0.0", 10), ("pyyaml", "5.3", 13), ("httpx", None, 14),
        ("mine", None, 15), ("black", "24.1.0", 17),
    ]  # fmt: skip
    assert {d.source for d in result.dependencies} == {"pyproject"}
    assert result.dependencies[5].marker == "sys_platform == 'linux'"
    assert result.dependencies[6].is_local


PACKAGES = [("Jinja2", "2.4.1"), ("urllib3", "1.26.4")]


@pytest.mark.parametrize(
    ("name", "text", "lines"),
    [
        ("poetry.lock", poetry_lock(PACKAGES), [2, 12]),
        ("uv.lock", uv_lock(PACKAGES), [10, 16]),
        ("pylock.toml", pylock(PACKAGES), [5, 10]),
        ("Pipfile.lock", pipfile_lock(PACKAGES[:1], develop=PACKAGES[1:]), [9, 17]),
    ],
)
def test_lock_files_pin_every_package_with_hashes(
    tmp_path: Path, name: str, text: str, lines: list[int]
) -> None:
    (tmp_path / name).write_text(text)
    locked = [d for d in read(tmp_path, name).dependencies if not d.is_local]
    assert [(d.name, d.version, d.line) for d in locked] == [
        ("jinja2", "2.4.1", lines[0]), ("urllib3", "1.26.4", lines[1]),
    ]  # fmt: skip
    assert [d.hashes for d in locked] == [(f"sha256:{fake_hash(n, v)}",) for n, v in PACKAGES]


def test_uv_lock_root_project_is_local(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text(uv_lock([], project="myapp"))
    (dependency,) = read(tmp_path, "uv.lock").dependencies
    assert (dependency.name, dependency.is_local, dependency.version) == ("myapp", True, None)


def test_legacy_poetry_metadata_files_supply_hashes(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "six"\nversion = "1.16.0"\n\n[metadata]\nlock-version = "1.1"\n'
        '[metadata.files]\nsix = [{file = "six.whl", hash = "sha256:abc"}]\n'
    )
    (dependency,) = read(tmp_path, "poetry.lock").dependencies
    assert dependency.hashes == ("sha256:abc",)


def test_broken_lock_files_raise_declared_errors(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text("[[package]\nname=")
    with pytest.raises(DependencyFileError, match="invalid TOML"):
        read(tmp_path, "poetry.lock")
    (tmp_path / "Pipfile.lock").write_text("{")
    with pytest.raises(DependencyFileError, match="invalid JSON"):
        read(tmp_path, "Pipfile.lock")
    (tmp_path / "uv.lock").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DependencyFileError, match="not UTF-8"):
        read(tmp_path, "uv.lock")


def test_oversized_file_is_a_resource_error(tmp_path: Path) -> None:
    from mlgate.checks.deps.readers.text import read_text

    (tmp_path / "requirements.txt").write_text("a==1\n" * 100)
    with pytest.raises(ResourceLimitError):
        read_text(tmp_path / "requirements.txt", max_bytes=100)


def test_pip_audit_report_entries(tmp_path: Path) -> None:
    (tmp_path / "pip-audit.json").write_text(
        pip_audit_report([
            {"name": "Jinja2", "version": "2.4.1", "vulns": [
                {"id": "PYSEC-2021-66", "fix_versions": ["2.11.3"], "aliases": ["CVE-2020-28493"],
                 "description": "ReDoS"}]},
            {"name": "private-lib", "skip_reason": "Dependency not found on PyPI"},
        ])
    )  # fmt: skip
    jinja, private = read_pip_audit(tmp_path / "pip-audit.json", display="pip-audit.json")
    assert (jinja.dependency.name, jinja.dependency.version, jinja.dependency.line) == (
        "jinja2", "2.4.1", 4,
    )  # fmt: skip
    assert [(v.id, v.aliases, v.fix_versions) for v in jinja.vulns] == [
        ("PYSEC-2021-66", ("CVE-2020-28493",), ("2.11.3",))
    ]
    assert private.skip_reason == "Dependency not found on PyPI"


def test_pip_audit_wrong_shape_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pip-audit.json").write_text('{"results": []}')
    with pytest.raises(DependencyFileError, match="not a pip-audit"):
        read_pip_audit(tmp_path / "pip-audit.json", display="pip-audit.json")


def test_classify_by_file_name() -> None:
    names = ["requirements.txt", "requirements-dev.txt", "pyproject.toml", "pylock.dev.toml",
             "pip-audit-report.json", "setup.py", "Pipfile"]  # fmt: skip
    assert [classify(Path(n)) for n in names] == [
        "requirements", "requirements", "pyproject", "pylock", "pip-audit", None, None,
    ]  # fmt: skip


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_requirements_reader_raises_only_declared_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(DependencyFileError, ResourceLimitError):
        read_requirements(path, root=tmp_path, display=lambda p: p.name)
    assert all(isinstance(line, str) for _, line in logical_lines(text))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["poetry.lock", "uv.lock", "pylock.toml", "Pipfile.lock", "pyproject.toml"]),
    st.text(max_size=300),
)
def test_structured_readers_raise_only_declared_errors(
    tmp_path: Path, name: str, text: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with contextlib.suppress(DependencyFileError):
        read(tmp_path, name)
