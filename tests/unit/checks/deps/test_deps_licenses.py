"""SPDX expressions and the license policy over an installed environment."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders.osv import write_distribution
from mlgate.checks.deps import DepsCheck, DepsConfig
from mlgate.checks.deps.licenses import LicensePolicy, judge_license
from mlgate.checks.deps.spdx import (
    AllOf,
    AnyOf,
    License,
    SpdxError,
    is_acceptable,
    parse_expression,
)
from mlgate.core.check import CheckContext
from mlgate.core.finding import SourceLocation


def test_and_binds_tighter_than_or() -> None:
    assert parse_expression("MIT OR Apache-2.0 AND BSD-3-Clause") == AnyOf(
        (License("MIT"), AllOf((License("Apache-2.0"), License("BSD-3-Clause"))))
    )
    assert parse_expression("(MIT or GPL-2.0+) and Apache-2.0 WITH LLVM-exception") == AllOf(
        (AnyOf((License("MIT"), License("GPL-2.0+"))), License("Apache-2.0", "LLVM-exception"))
    )


@pytest.mark.parametrize("text", ["", "MIT OR", "(MIT", "AND MIT", "MIT)", "MIT WITH", "a$b"])
def test_malformed_expressions_raise(text: str) -> None:
    with pytest.raises(SpdxError):
        parse_expression(text)


@pytest.mark.parametrize(
    ("expression", "allow", "deny", "ok"),
    [
        ("MIT", [], [], True),
        ("GPL-3.0-only", [], ["gpl-3.0-only"], False),
        ("MIT OR GPL-3.0-only", [], ["GPL-3.0-only"], True),
        ("MIT AND GPL-3.0-only", [], ["GPL-3.0-only"], False),
        ("Apache-2.0", ["MIT"], [], False),
        ("GPL-2.0+", [], ["GPL-2.0"], False),
        ("(MIT OR BSD-2-Clause) AND ISC", ["mit", "isc"], [], True),
    ],
)
def test_policy_judgement(expression: str, allow: list[str], deny: list[str], ok: bool) -> None:
    lower = frozenset(a.lower() for a in allow), frozenset(d.lower() for d in deny)
    assert is_acceptable(parse_expression(expression), *lower) is ok


def test_unknown_license_passes_only_without_an_allow_list() -> None:
    assert judge_license(None, LicensePolicy(environment="env", deny=["GPL-3.0-only"]))
    assert not judge_license(None, LicensePolicy(environment="env", allow=["MIT"]))
    assert not judge_license("not spdx !", LicensePolicy(environment="env"))


def test_policy_over_an_installed_environment(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    (tmp_path / "venv" / "pyvenv.cfg").parent.mkdir(parents=True)
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    write_distribution(site, "good", "1.0", "License-Expression: MIT")
    write_distribution(site, "classic", "2.0", "Classifier: License :: OSI Approved :: MIT License")
    write_distribution(site, "copyleft", "3.0", "License: GPL-3.0-only")
    write_distribution(site, "mystery", "4.0", "License: see LICENSE file")
    write_distribution(site, "ours", "0.1", "License: Proprietary")
    policy: dict[str, Any] = {
        "environment": "venv", "allow": ["MIT", "Apache-2.0"], "ignore": ["Ours"],
    }  # fmt: skip
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    config = DepsConfig(paths=["venv"], licenses=LicensePolicy(**policy))
    result = DepsCheck().run(context, config)
    assert result.errors == ()
    assert [(f.rule_id, f.message) for f in result.findings] == [
        ("DEPS006", "copyleft 3.0 is licensed GPL-3.0-only, which the license policy does "
         "not allow."),
        ("DEPS006", "mystery 4.0 is licensed no readable license metadata, which the license "
         "policy does not allow."),
    ]  # fmt: skip
    assert result.findings[0].location == SourceLocation(
        path="venv/lib/python3.11/site-packages/copyleft-3.0.dist-info/METADATA"
    )


def test_missing_environment_is_an_error(tmp_path: Path) -> None:
    context = CheckContext(root=tmp_path, gate="g", today=date(2026, 1, 1))
    (tmp_path / "requirements.txt").write_text("")
    config = DepsConfig.model_validate({"licenses": {"environment": "nowhere"}})
    assert DepsCheck().run(context, config).errors == (
        "license policy: environment 'nowhere' is not a directory",
    )


@given(st.text(alphabet="()+ -.:aAnNdDoOrRwWiItThH0123456789", max_size=60))
def test_parser_raises_only_spdx_error(text: str) -> None:
    with contextlib.suppress(SpdxError):
        parse_expression(text)
