from __future__ import annotations

from datetime import date

import pytest
import yaml

from builders.verdicts import SQLI_FINGERPRINT, realistic_verdict, sqli_finding
from mlgate.core.finding import ArtifactLocation, DatasetLocation, Finding, Severity
from mlgate.core.plugins import reporter_registry
from mlgate.core.policy.schema import WaiverSpec
from mlgate.reporters.base import Reporter, relative_path
from mlgate.reporters.escaping import one_line, visible, xml_safe
from mlgate.reporters.explain import waiver_hint
from mlgate.reporters.sarif_rules import SECURITY_SEVERITY
from mlgate.reporters.summary import outcome_line, tally_verdict

EXPECTED = {
    "terminal": "TerminalReporter",
    "json": "JsonReporter",
    "sarif": "SarifReporter",
    "junit": "JunitReporter",
    "markdown": "MarkdownReporter",
    "github": "GithubAnnotationsReporter",
    "html": "HtmlReporter",
}


@pytest.mark.parametrize(("name", "class_name"), sorted(EXPECTED.items()))
def test_every_reporter_loads_through_its_entry_point(name: str, class_name: str) -> None:
    cls = reporter_registry().load(name)
    assert cls.__name__ == class_name
    reporter = cls()
    assert isinstance(reporter, Reporter)
    assert reporter.format_id == name
    assert reporter.default_filename
    assert isinstance(reporter.render(realistic_verdict()), bytes)


def test_rendering_is_deterministic() -> None:
    for name in EXPECTED:
        reporter = reporter_registry().load(name)()
        assert reporter.render(realistic_verdict()) == reporter.render(realistic_verdict())


def test_waiver_hint_pastes_into_a_valid_waiver_once_filled_in() -> None:
    hint = waiver_hint(sqli_finding(), "pre-merge")
    document = yaml.safe_load(hint)
    entry = document["waivers"][0]
    assert entry == {
        "rule": "PY001",
        "fingerprint": SQLI_FINGERPRINT,
        "reason": "<why this risk is accepted>",
        "owner": "<who reviewed it>",
        "expires": "YYYY-MM-DD",
        "gates": ["pre-merge"],
    }
    with pytest.raises(ValueError, match="expires"):
        WaiverSpec.model_validate(entry)
    filled = WaiverSpec.model_validate({**entry, "expires": "2030-01-31"})
    assert filled.expires == date(2030, 1, 31)


def test_waiver_hint_scopes_without_a_fingerprint() -> None:
    artifact = Finding(
        rule_id='ART"1',
        severity=Severity.HIGH,
        message="m",
        location=ArtifactLocation(path="m.pkl", member="x"),
        fingerprint="",
    )
    entry = yaml.safe_load(waiver_hint(artifact, "g"))["waivers"][0]
    assert (entry["rule"], entry["artifact"]) == ('ART"1', "m.pkl")
    dataset = Finding(
        rule_id="DS1",
        severity=Severity.LOW,
        message="m",
        location=DatasetLocation(dataset_id="d"),
        fingerprint="",
    )
    assert yaml.safe_load(waiver_hint(dataset, "g"))["waivers"][0]["path"] == (
        "<glob of the files it covers>"
    )


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("app/x.py", ".", "app/x.py"),
        ("./app/x.py", ".", "app/x.py"),
        ("app\\win.py", ".", "app/win.py"),
        ("/repo/app/x.py", "/repo", "app/x.py"),
        ("/etc/passwd", "/repo", None),
        ("/etc/passwd", ".", None),
        ("C:\\repo\\a.py", "C:\\repo", "a.py"),
        ("", ".", None),
        (".", ".", None),
        (None, ".", None),
    ],
)
def test_relative_path(path: str | None, root: str, expected: str | None) -> None:
    assert relative_path(path, root) == expected


def test_escaping_helpers() -> None:
    assert visible("a\x1b[0m\tb\nc\x85\ud800") == "a\\x1b[0m\tb\nc\\x85\\ud800"
    assert one_line("a\r\nb\tc") == "a b c"
    assert xml_safe("ok\x00\x0b\t\n\ufffe") == "ok\\x00\\x0b\t\n\\ufffe"


def test_bidirectional_controls_are_shown_not_obeyed() -> None:
    # "Trojan Source": an override makes a line display in another order than it reads.
    path = "app/admin\u202e\u2066txt.py\u2069\u202c"
    shown = one_line(path)
    assert shown == "app/admin\\u202e\\u2066txt.py\\u2069\\u202c"
    assert all(marker not in shown for marker in ("\u061c", "\u200e", "\u200f", "\u202e"))
    assert visible("\u200f\u061c") == "\\u200f\\u061c"


def test_security_severity_mapping_is_documented_values() -> None:
    assert {s.label: v for s, v in SECURITY_SEVERITY.items()} == {
        "info": "0.0",
        "low": "3.0",
        "medium": "5.5",
        "high": "8.0",
        "critical": "9.5",
    }


def test_summary_counts_and_outcome_line() -> None:
    verdict = realistic_verdict()
    totals = tally_verdict(verdict)
    assert (totals.blocking, totals.below_threshold, totals.waived, totals.baselined) == (
        2,
        2,
        1,
        1,
    )
    assert (totals.failed_metrics, totals.errors, totals.skipped, totals.checks) == (1, 1, 2, 4)
    assert outcome_line(verdict) == "mlgate: error (gates: pre-merge=error, post-train=block)"
