from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings

from builders.verdicts import HOSTILE, many_findings_verdict, realistic_verdict, verdicts
from mlgate.core.verdict import Verdict
from mlgate.reporters.html import HtmlReporter


def _page(verdict: Verdict) -> str:
    return HtmlReporter().render(verdict).decode("utf-8")


def test_page_is_self_contained() -> None:
    page = _page(realistic_verdict())
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<script" not in page
    assert not re.search(r"(src|href)=", page)
    assert "default-src 'none'" in page


def test_banner_sections_and_explanations() -> None:
    page = _page(realistic_verdict())
    assert '<div class="banner error">Verdict: ERROR. At least one check could not complete' in page
    assert "<h2>Gate <code>pre-merge</code> " in page
    assert "<li><code>app/service.py:22</code> find_user(name)</li>" in page
    assert "<td>auc = 0.81 (95% CI 0.79 to 0.83, n=1200)</td>" in page
    assert "must be &gt;= 0.85 (compared at the CI&#x27;s high end, 0.83)" in page
    assert "<li><code>secrets</code>: timed out after 600 s</li>" in page
    assert (
        "<li><code>models/big.bin</code> (secrets): larger than the 2 GiB read budget</li>" in page
    )
    assert "#1 PY003 (fingerprint=0123456789abcdef0123456789abcdef) by bob" in page
    assert "  - rule: &quot;PY001&quot;" in page
    assert page.rstrip().endswith(
        "<strong>mlgate: error (gates: pre-merge=error, post-train=block)</strong>"
        "</p></body></html>"
    )


def test_hostile_text_is_escaped_everywhere() -> None:
    verdict = many_findings_verdict(len(HOSTILE))
    check = verdict.gates[0].checks[0]
    findings = tuple(
        replace(j, finding=replace(j.finding, message=m, rule_id=m))
        for j, m in zip(check.findings, HOSTILE, strict=True)
    )
    gate = replace(
        verdict.gates[0], name="<script>x</script>", checks=(replace(check, findings=findings),)
    )
    page = _page(replace(verdict, gates=(gate,)))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\x00" not in page


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_no_input_ever_becomes_markup(verdict: Verdict) -> None:
    page = _page(verdict)
    assert "<script" not in page.lower()
    assert not re.search(r"\son\w+=", page)
