"""The offline OSV database: directory and zip layouts, bounds, parsing, atomic update."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders.osv import Rec, write_db_dir, write_db_zip
from mlgate.checks.deps.osv.database import DatabaseLimits, load_database
from mlgate.checks.deps.osv.parse import OsvFormatError, advisory_from_json, parse_advisory
from mlgate.checks.deps.osv.records import Event
from mlgate.checks.deps.osv.update import OSV_ARCHIVE_URL, update_database
from mlgate.core.errors import ResourceLimitError

RECORDS = [Rec(id=f"GHSA-{i}", package="Some_Pkg", aliases=[f"CVE-{i}"]) for i in range(3)]


@pytest.mark.parametrize("layout", ["dir", "zip"])
def test_both_layouts_index_by_normalised_name_and_every_id(tmp_path: Path, layout: str) -> None:
    path = (write_db_dir(tmp_path / "osv", RECORDS) if layout == "dir"
            else write_db_zip(tmp_path / "all.zip", RECORDS))  # fmt: skip
    database = load_database(path)
    assert (database.size, database.problems) == (3, ())
    assert [a.id for a in database.for_package("some.pkg")] == ["GHSA-0", "GHSA-1", "GHSA-2"]
    assert [a.id for a in database.by_id("CVE-1")] == ["GHSA-1"]
    assert database.for_package("other") == ()


def test_parsed_record_keeps_what_matching_needs() -> None:
    record = Rec(
        id="GHSA-x",
        package="A.B",
        ranges=[[("introduced", "1"), ("limit", "2")]],
        versions=["0.5"],
        cvss="CVSS:3.1/AV:N",
        rating="HIGH",
        summary="  two\n lines ",
    )
    advisory = advisory_from_json(record.json())  # fmt: skip
    (entry,) = advisory.affected
    assert (entry.name, entry.versions) == ("a-b", ("0.5",))
    assert entry.ranges == (
        (Event(kind="introduced", version="1"), Event(kind="limit", version="2")),
    )
    assert (advisory.summary, advisory.rating) == ("two lines", "HIGH")
    assert advisory.vectors == (("CVSS_V3", "CVSS:3.1/AV:N"),)


def test_git_ranges_are_ignored() -> None:
    record = Rec(id="X", package="p").json()
    record["affected"][0]["ranges"][0]["type"] = "GIT"
    assert advisory_from_json(record).affected[0].ranges == ()


def test_oversized_record_is_a_problem_and_limits_are_enforced(tmp_path: Path) -> None:
    path = write_db_zip(tmp_path / "all.zip", RECORDS)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("huge.json", json.dumps({"id": "H", "details": "x" * 5000}))
    small = DatabaseLimits(max_record_bytes=2000)
    assert load_database(path, small).problems == ("huge.json: larger than 2000 bytes",)
    with pytest.raises(ResourceLimitError, match="advisory records"):
        load_database(path, DatabaseLimits(max_records=2))
    with pytest.raises(ResourceLimitError, match="advisory bytes"):
        load_database(path, DatabaseLimits(max_total_bytes=500))


def test_symlinks_in_a_database_directory_are_not_followed(tmp_path: Path) -> None:
    database = write_db_dir(tmp_path / "osv", RECORDS[:1])
    (tmp_path / "elsewhere.json").write_text(json.dumps(RECORDS[1].json()))
    (database / "link.json").symlink_to(tmp_path / "elsewhere.json")
    assert load_database(database).size == 1


@given(st.binary(max_size=200))
def test_parser_raises_only_format_error(data: bytes) -> None:
    with contextlib.suppress(OsvFormatError):
        parse_advisory(data)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["id", "affected", "package", "ranges",
                                                       "events", "name", "ecosystem", "severity",
                                                       "versions", "aliases", "introduced"]),
                                      inner, max_size=4), max_leaves=20))  # fmt: skip
def test_wrongly_typed_fields_count_as_absent(document: object) -> None:
    with contextlib.suppress(OsvFormatError):
        advisory_from_json(document)


def test_update_installs_a_valid_archive_atomically(tmp_path: Path) -> None:
    payload = io.BytesIO()
    write_db_zip(tmp_path / "src.zip", RECORDS)
    payload.write((tmp_path / "src.zip").read_bytes())
    asked: list[str] = []

    def fetch(url: str, out: BinaryIO) -> None:
        asked.append(url)
        out.write(payload.getvalue())

    result = update_database(tmp_path / "db" / "all.zip", fetch=fetch)
    assert asked == [OSV_ARCHIVE_URL.format(ecosystem="PyPI")]
    assert (result.records, result.size) == (3, len(payload.getvalue()))
    assert sorted(p.name for p in (tmp_path / "db").iterdir()) == ["all.zip"]


def test_failed_update_keeps_the_previous_database(tmp_path: Path) -> None:
    dest = write_db_zip(tmp_path / "db" / "all.zip", RECORDS)
    before = dest.read_bytes()

    def corrupt(url: str, out: BinaryIO) -> None:
        out.write(b"PK\x03\x04 truncated")

    with pytest.raises(OsvFormatError):
        update_database(dest, fetch=corrupt)
    assert dest.read_bytes() == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["all.zip"]
