"""Loading only the records of the packages a run looks up, and reading zip members fast."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders.osv import Rec, write_db_dir, write_db_zip
from mlgate.checks.deps.osv.database import load_database, may_name
from mlgate.checks.deps.osv.parse import OsvFormatError
from mlgate.checks.deps.records import normalize_name

RECORDS = [
    Rec(id="GHSA-a", package="Django", aliases=["CVE-1"]),
    Rec(id="GHSA-b", package="zope.interface"),
    Rec(id="GHSA-c", package="requests"),
]


def _raw(document: object) -> bytes:
    return json.dumps(document).encode()


@pytest.mark.parametrize("layout", ["dir", "zip"])
def test_filtered_load_keeps_exactly_what_the_wanted_packages_need(
    tmp_path: Path, layout: str
) -> None:
    path = (write_db_dir(tmp_path / "osv", RECORDS) if layout == "dir"
            else write_db_zip(tmp_path / "all.zip", RECORDS))  # fmt: skip
    database = load_database(path, packages=frozenset({"django", "zope-interface"}))
    assert database.size == 2
    assert [a.id for a in database.for_package("DJANGO")] == ["GHSA-a"]
    assert [a.id for a in database.for_package("zope_interface")] == ["GHSA-b"]
    assert [a.id for a in database.by_id("CVE-1")] == ["GHSA-a"]
    assert database.for_package("requests") == ()
    assert load_database(path).size == 3  # no filter: everything


def test_a_name_spelled_with_json_escapes_is_still_found() -> None:
    escaped_value = b'{"id": "X", "affected": [{"package": {"name": "Dj\\u0061ngo"}}]}'
    escaped_key = b'{"id": "X", "affected": [{"package": {"n\\u0061me": "Django"}}]}'
    assert json.loads(escaped_value)["affected"][0]["package"]["name"] == "Django"
    assert may_name(escaped_value, frozenset({"django"}))
    assert may_name(escaped_key, frozenset({"django"}))
    assert not may_name(_raw(Rec(id="X", package="flask").json()), frozenset({"django"}))


@pytest.mark.parametrize("document", [b"{", b"[]", b"", b'{"id": "X", "details": "cut'])
def test_documents_that_are_not_whole_records_are_decoded_and_reported(document: bytes) -> None:
    assert may_name(document, frozenset({"django"}))


@given(name=st.text(min_size=1, max_size=20), noise=st.text(max_size=30))
def test_the_prescan_never_misses_a_record_naming_the_package(name: str, noise: str) -> None:
    document = {"id": "X", "details": noise, "affected": [{"package": {"name": name}}]}
    for encoded in (json.dumps(document), json.dumps(document, ensure_ascii=False)):
        wanted = frozenset({normalize_name(name)})
        assert may_name(encoded.encode("utf-8", "surrogatepass"), wanted)


def test_a_corrupt_member_is_an_unreadable_archive(tmp_path: Path) -> None:
    path = write_db_zip(tmp_path / "all.zip", RECORDS)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(archive.namelist()[0])
    blob = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode())
    blob[start + 5] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(OsvFormatError, match="not a readable zip archive"):
        load_database(path)


def test_stored_members_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "all.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for record in RECORDS:
            archive.writestr(f"{record.id}.json", json.dumps(record.json()))
    assert [a.id for a in load_database(path).for_package("requests")] == ["GHSA-c"]
