"""Labelled dependency files against one generated advisory database.

Each case is a dependency file that is either vulnerable (its expected findings named
by rule, path, line and advisory) or a safe look-alike: a version just outside a range,
a similar but different package name, a withdrawn or other-ecosystem record. The
database is generated from :data:`ADVISORIES` with the builders, never checked in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builders.osv import Rec, pipfile_lock, poetry_lock, pylock, uv_lock

Expected = tuple[str, str, int | None, str]  # rule id, path, line, advisory
CRIT = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

ADVISORIES = (
    Rec(id="GHSA-jinj-a000-0001", package="Jinja2", aliases=["CVE-2020-28493", "PYSEC-2021-66"],
        ranges=[[("introduced", "0"), ("fixed", "2.11.3")]], rating="MODERATE"),
    Rec(id="PYSEC-2021-66", package="jinja2", aliases=["CVE-2020-28493"],
        ranges=[[("introduced", "0"), ("fixed", "2.11.3")]]),
    Rec(id="GHSA-url3-0000-0002", package="urllib3", cvss=CRIT,
        ranges=[[("introduced", "1.25.0"), ("fixed", "1.26.5")],
                [("introduced", "2.0.0"), ("fixed", "2.0.7")]]),
    Rec(id="GHSA-pyml-0000-0003", package="PyYAML",
        ranges=[[("introduced", "0"), ("last_affected", "5.3.1")]], rating="CRITICAL"),
    Rec(id="GHSA-djan-0000-0004", package="django", rating="HIGH",
        ranges=[[("introduced", "4.2"), ("limit", "4.3")]]),
    Rec(id="MAL-2024-0005", package="reqeusts", ranges=[], versions=["1.0.0", "2.0.0"]),
    Rec(id="GHSA-with-0000-0006", package="requests", withdrawn=True, rating="HIGH"),
    Rec(id="GHSA-npmx-0000-0007", package="flask", ecosystem="npm", rating="HIGH"),
    Rec(id="GHSA-pill-0000-0008", package="pillow", versions=["9.0.0"], ranges=[],
        rating="HIGH"),
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One dependency file and the findings it must produce (empty when safe)."""

    name: str
    file: str
    text: str
    expected: frozenset[Expected]

    def build(self, root: Path) -> None:
        """Write the file under ``root``."""
        (root / self.file).write_text(self.text, encoding="utf-8")


def _case(name: str, file: str, text: str, *expected: Expected) -> Case:
    return Case(name=name, file=file, text=text, expected=frozenset(expected))


R = "requirements.txt"
CASES = (
    _case("jinja-vulnerable", R, "jinja2==2.11.2\n", ("DEPS001", R, 1, "GHSA-jinj-a000-0001")),
    _case("jinja-fixed", R, "Jinja2==2.11.3\n"),
    _case("jinja-lookalike", R, "jinja2-time==0.2.0\n"),
    _case("jinja-underscore-is-another-name", R, "JINJA_2==1.0\n"),
    _case("pyyaml-case-folded", R, "pyYAML==5.1\n", ("DEPS001", R, 1, "GHSA-pyml-0000-0003")),
    _case("urllib3-second-interval", "poetry.lock", poetry_lock([("urllib3", "2.0.6")]),
          ("DEPS001", "poetry.lock", 2, "GHSA-url3-0000-0002")),
    _case("urllib3-between-intervals", "poetry.lock", poetry_lock([("urllib3", "1.26.18")])),
    _case("urllib3-before-introduced", "uv.lock", uv_lock([("urllib3", "1.24.3")])),
    _case("urllib3-first-interval", "uv.lock", uv_lock([("urllib3", "1.25.0")]),
          ("DEPS001", "uv.lock", 10, "GHSA-url3-0000-0002")),
    _case("pyyaml-last-affected", "pylock.toml", pylock([("pyyaml", "5.3.1")]),
          ("DEPS001", "pylock.toml", 5, "GHSA-pyml-0000-0003")),
    _case("pyyaml-post-release", "pylock.toml", pylock([("PyYAML", "5.3.1.post1")])),
    _case("django-under-limit", "Pipfile.lock", pipfile_lock([("Django", "4.2.9")]),
          ("DEPS001", "Pipfile.lock", 9, "GHSA-djan-0000-0004")),
    _case("django-at-limit", "Pipfile.lock", pipfile_lock([("django", "4.3")])),
    _case("malicious-typosquat", R, "reqeusts==2.0.0\n",
          ("DEPS002", R, 1, "MAL-2024-0005")),
    _case("malicious-name-other-version", R, "reqeusts==3.0.0\n"),
    _case("withdrawn-record", R, "requests==2.0.0\n"),
    _case("other-ecosystem", R, "flask==1.0\n"),
    _case("explicit-version", R, "pillow==9.0\n", ("DEPS001", R, 1, "GHSA-pill-0000-0008")),
    _case("explicit-version-neighbour", R, "pillow==9.0.1\n"),
    _case("unpinned-is-not-matched", R, "jinja2>=2.0\n"),
    _case("marker-still-applies", R, 'jinja2==2.0 ; python_version < "3.8"\n',
          ("DEPS001", R, 1, "GHSA-jinj-a000-0001")),
)  # fmt: skip
