"""One test per scanner bypass named in issue 4 (parser differentials, denylist gaps).

Each test name cites the technique; each asserts the exact findings (rule id, member,
offset) that keep the payload blocked. Payloads are harmless (``"true"``), never loaded.
"""

from __future__ import annotations

from pathlib import Path

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
from mlgate.checks.artifacts.check import ArtifactsConfig, scan_file
from mlgate.core.finding import ArtifactLocation

PAYLOAD = pk.call_global("os", "system")
DATA_PKL = "archive/data.pkl"


def _findings(tmp_path: Path, name: str, data: bytes) -> list[tuple[str, str | None, int | None]]:
    path = tmp_path / name
    path.write_bytes(data)
    scan = scan_file(path, name, ArtifactsConfig().settings())
    assert scan is not None
    rows = []
    for finding in scan.findings:
        location = finding.location
        assert isinstance(location, ArtifactLocation)
        rows.append((finding.rule_id, location.member, location.offset))
    return rows


def test_odd_extension_pickle_named_safetensors_is_sniffed_by_content(tmp_path: Path) -> None:
    # Scanners that pick files by extension skip a pickle named .safetensors or .txt.
    assert _findings(tmp_path, "w.safetensors", PAYLOAD) == [
        ("ART020", None, 0),
        ("ART002", None, 2),
    ]
    assert _findings(tmp_path, "notes.txt", PAYLOAD) == [("ART002", None, 2)]


def test_zip_flag_bits_encrypted_flag_on_a_stored_member_is_still_scanned(tmp_path: Path) -> None:
    # zipfile refuses a member whose encryption bit is set; PyTorch ignores the bit.
    data = zb.make_zip([zb.Member(name=DATA_PKL, data=PAYLOAD, flags=0x1)])
    assert _findings(tmp_path, "model.pt", data) == [
        ("ART030", DATA_PKL, 0),
        ("ART002", DATA_PKL, 2),
    ]


def test_local_central_name_mismatch_scans_the_bytes_torch_reads(tmp_path: Path) -> None:
    # The central directory says archive/x; the local header (what is read) says data.pkl.
    data = zb.make_zip([zb.Member(name=DATA_PKL, data=PAYLOAD, central_name="archive/x")])
    assert _findings(tmp_path, "model.pt", data) == [
        ("ART030", "archive/x", 0),
        ("ART002", "archive/x", 2),
    ]


def test_bad_crc_member_is_scanned_and_reported(tmp_path: Path) -> None:
    # zipfile raises BadZipFile on a CRC mismatch; PyTorch does not check CRCs.
    assert _findings(tmp_path, "model.pt", zb.torch_zip(PAYLOAD, bad_crc=True)) == [
        ("ART030", DATA_PKL, 0),
        ("ART002", DATA_PKL, 2),
    ]


def test_prefixed_bytes_before_the_zip_are_tolerated(tmp_path: Path) -> None:
    # Bytes before the first local header hide the zip from readers that expect PK at 0.
    data = zb.make_zip([zb.Member(name=DATA_PKL, data=PAYLOAD)], prefix=b"MZ" + bytes(64))
    assert _findings(tmp_path, "model.pt", data) == [("ART030", None, 0), ("ART002", DATA_PKL, 2)]


def test_nested_zip_in_zip_is_recursed_whatever_its_name(tmp_path: Path) -> None:
    inner = zb.torch_zip(PAYLOAD)
    data = zb.make_zip([zb.Member(name="models/weights.dat", data=inner)])
    assert _findings(tmp_path, "bundle.zip", data) == [
        ("ART002", f"models/weights.dat/{DATA_PKL}", 2)
    ]


def test_compressed_joblib_payload_is_decompressed_first(tmp_path: Path) -> None:
    # joblib.dump(compress=3) writes zlib; scanners reading opcodes see only noise.
    labels = {"zlib": "zlib", "gzip": "gzip", "bz2": "bzip2", "xz": "xz", "lzma": "lzma"}
    for codec, label in labels.items():
        data = zb.compress(PAYLOAD, codec)
        assert _findings(tmp_path, "m.joblib", data) == [("ART002", f"<{label}>", 2)], codec


def test_broken_stream_after_the_payload_keeps_what_was_seen(tmp_path: Path) -> None:
    # pickle.load runs os.system before it reaches the garbage; a scanner must not give up.
    data = PAYLOAD[:-1] + b"\x00garbage"
    assert _findings(tmp_path, "m.pkl", data) == [
        ("ART002", None, 2),
        ("ART010", None, len(PAYLOAD) - 1),
    ]


def test_scanning_continues_past_a_benign_first_pickle(tmp_path: Path) -> None:
    benign = bp.estimator("sklearn.svm._classes", "SVC")
    assert _findings(tmp_path, "m.pkl", benign + PAYLOAD) == [("ART002", None, len(benign) + 2)]


def test_pip_main_gadget(tmp_path: Path) -> None:
    assert _findings(tmp_path, "m.pkl", pk.call_global("pip", "main")) == [("ART002", None, 2)]


def test_torch_utils_collect_env_run_gadget_as_dotted_name(tmp_path: Path) -> None:
    data = pk.call_stack_global("torch.utils", "collect_env.run")
    assert _findings(tmp_path, "m.pkl", data) == [("ART002", None, data.index(b"\x93"))]


def test_operator_methodcaller_gadget(tmp_path: Path) -> None:
    data = pk.call_global("operator", "methodcaller")
    assert _findings(tmp_path, "m.pkl", data) == [("ART002", None, 2)]


def test_importlib_import_module_plus_inspect_getattr_static(tmp_path: Path) -> None:
    # getattr_static(import_module("os"), "system")("true"): no os.system global at all.
    w = pk.PickleWriter().proto(2).glob("inspect", "getattr_static")
    w.glob("importlib", "import_module").text("os").tuple_n(1).reduce()
    data = w.text("system").tuple_n(2).reduce().text("true").tuple_n(1).reduce().stop().data
    assert _findings(tmp_path, "m.pkl", data) == [("ART002", None, 2), ("ART002", None, 26)]


def test_reexported_zipfile_os_system(tmp_path: Path) -> None:
    # zipfile imports os, so find_class("zipfile", "os.system") reaches os.system.
    data = pk.call_stack_global("zipfile", "os.system")
    assert _findings(tmp_path, "m.pkl", data) == [("ART002", None, 24)]


def test_memo_desync_memoize_index_after_sparse_binput(tmp_path: Path) -> None:
    # MEMOIZE indexes by len(memo), not by the last index: after BINPUT 5 the next
    # MEMOIZE is 1, so BINGET 2 fetches "posix"; a scanner counting from 6 loses it.
    w = pk.PickleWriter().proto(4).text("os").binput(5).text("x").memoize()
    w.text("posix").memoize().pop().raw(b"h\x02").text("system").raw(b"\x93")
    data = w.text("true").tuple_n(1).reduce().stop().data
    assert _findings(tmp_path, "m.pkl", data) == [("ART002", None, 31)]


def test_ext_opcode_after_copyreg_add_extension(tmp_path: Path) -> None:
    # copyreg.add_extension("os", "system", 0x42) then EXT1 0x42: no GLOBAL for os.system.
    assert _findings(tmp_path, "m.pkl", pk.extension_payload()) == [
        ("ART002", None, 2),
        ("ART002", None, 42),
    ]


def test_payload_after_a_malformed_first_pickle_is_still_judged(tmp_path: Path) -> None:
    # Issue 4 "broken streams": a scanner that stops at the first parse failure misses a
    # payload a looping loader reaches; the scan resyncs on the next PROTO opcode.
    broken = b"\x80\x04\xff"
    assert _findings(tmp_path, "model.pkl", broken + PAYLOAD) == [
        ("ART002", None, len(broken) + 2),
        ("ART010", None, 2),
    ]


def test_lz4_compressed_joblib_payload_is_decoded(tmp_path: Path) -> None:
    # Issue 4 "compressed joblib": joblib's compress="lz4" wrapper was fail-closed only.
    assert _findings(tmp_path, "model.joblib", zb.compress(PAYLOAD, "lz4")) == [
        ("ART002", "<lz4>", 2)
    ]
