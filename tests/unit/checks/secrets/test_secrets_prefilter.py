from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from builders import secrets_tokens as st
from builders.secrets_tree import write_source_tree
from corpus.secrets.cases import negative_cases, positive_cases
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.checks.secrets.check import catalogue
from mlgate.checks.secrets.readers.text import decode_text
from mlgate.core.check import CheckContext
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.prefilter import Prefilter, anchor_head
from mlgate.credentials.rules import DETECTORS
from mlgate.credentials.rules.model import Anchor

FAST = Matcher(DETECTORS)
EXHAUSTIVE = Matcher(DETECTORS, prefilter=False)
ANCHORS = FAST.prefilter.anchors


def python_hits(text: str) -> set[int]:
    """Indices of the anchors Python's engine finds, exactly as the matcher searches them."""
    lowered = text.lower()
    found = set()
    for index, anchor in enumerate(ANCHORS):
        if anchor.folded and len(lowered) == len(text):
            hit = re.search(anchor.pattern, lowered)
        else:
            hit = re.search(anchor.pattern, text, re.IGNORECASE if anchor.folded else 0)
        if hit:
            found.add(index)
    return found


@pytest.mark.parametrize(
    ("pattern", "head"),
    [
        ("dapi[0-9a-f]{32}", "dapi(?:[0-9a-f]){32,32}"),
        ("gh[pousr]_", "gh[pousr]_"),
        (r"secret[_\-]?access", r"secret(?:[_\-])?access"),
        ("k_(?:live|test)_", "k_(?:live|test)_"),
        ("tok[a-z]{0,24}+(?<!id)(?<!url)[:=]", "tok(?:[a-z]){0,24}[:=]"),
        ("x[A-Za-z0-9]{16,4096}?y", "x(?:[A-Za-z0-9]){8,}y"),
        (r"u[^\s@]{1,128}@", r"u(?:[^\s@]){1,}@"),
        # Python's \s and \d are Unicode-wide: in a positive class RE2 would match less.
        (r"v[\s=]x", "v"),
        (r"\bword", None),
        ("(capture)x", None),
        ("a(?:b+|c)d", "a"),
        # Alternatives of the whole pattern share no head, wherever the "|" hides.
        ("abc|xyz", None),
        ("ab(c)|xyz", None),
        (r"a[|]b\|c", "a[|]b"),
        ("[a^]|x", None),
        ("[]|]y", "[]|]y"),
        # A lookaround whose body holds a ")" is not skipped: its text is not required.
        (r"k(?=a\)b)c", "k"),
        ("k(?<![)])c", "k"),
    ],
)
def test_heads_keep_what_both_engines_read_alike(pattern: str, head: str | None) -> None:
    assert anchor_head(pattern) == head


def test_every_builtin_anchor_has_a_head_in_the_set() -> None:
    assert FAST.prefilter.is_active
    assert all(anchor_head(a.pattern) is not None for a in ANCHORS)
    assert FAST.prefilter.present("") == frozenset()


def test_without_the_prefilter_every_anchor_may_match() -> None:
    assert Prefilter(()).present("token = 1") is None
    assert EXHAUSTIVE.prefilter.present("anything") is None


@pytest.mark.parametrize(
    "text",
    [
        "SECRET_\u212aEY = 'Xk9#mQ2pLw1z'\n",  # the Kelvin sign lower-cases to "k"
        "CREDENT\u0130AL = 'Xk9#mQ2pLw1z'\n",  # dotted I grows when lower-cased
        "\u017fecret = 'Xk9#mQ2pLw1z'\n",  # long s folds to s in RE2 only
        "token = '\ud800abc'\n",  # a lone surrogate, as JSON escapes can produce
        "pässword = 'Xk9#mQ2pLw1z'\npassword: 'Xk9#mQ2pLw1z'\n",
    ],
)
def test_unusual_text_never_loses_an_anchor(text: str) -> None:
    present = FAST.prefilter.present(text)
    assert present is None or python_hits(text) <= present


_FRAGMENTS = hs.sampled_from(
    [
        "token", "TOKEN", "pass", "Passwd", "secret_", "_name", "_ids", "api-key", "AKIA",
        "ghp_", "dapi", "://", "user:", "pw@", "host", "=", ":", " ", "\t", '"', "'", "\n",
        "0123456789abcdef", "ABCDEFGHIJKLMNOP", "xox", "b-", "eyJ", "-----BEGIN ",
        "PRIVATE KEY", "sig=", "wandb", "AC", "SK", "hf_", "İ", "é",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(hs.lists(_FRAGMENTS, max_size=40).map("".join))
def test_the_set_reports_every_anchor_python_finds(text: str) -> None:
    present = FAST.prefilter.present(text)
    assert present is None or python_hits(text) <= present


def _texts() -> list[str]:
    cases = [*positive_cases(1), *negative_cases()]
    return [decode_text(case.data) for case in cases]


def test_matches_with_and_without_the_prefilter_are_the_same() -> None:
    texts = _texts()
    rng = st.seeded(31)
    texts.append("\n".join(f'{k.variable} = "{k.make(rng)}"' for k in st.KINDS))
    for text in texts:
        assert FAST.find(text) == EXHAUSTIVE.find(text)


def test_metadata_key_names_are_not_anchors_but_secret_names_are() -> None:
    value = "Xk9#mQ2pLw1zR4"
    found = {
        line: [m.detector.rule.id for m in FAST.find(line)]
        for line in (
            f'token_path: "{value}"',
            f'secret_name = "{value}"',
            f'password_field: "{value}"',
            f'db_password: "{value}"',
            f'api_token = "{value}"',
        )
    }
    assert found == {
        f'token_path: "{value}"': [],
        f'secret_name = "{value}"': [],
        f'password_field: "{value}"': [],
        f'db_password: "{value}"': ["SEC026"],
        f'api_token = "{value}"': ["SEC026"],
    }


def test_a_custom_anchor_re2_cannot_read_is_always_searched() -> None:
    odd = Anchor(r"(?P<k>key)\d", folded=False)
    prefilter = Prefilter((odd, Anchor("plain", folded=False)))
    assert prefilter.present("nothing here") == frozenset({0})
    assert prefilter.present("plain") == frozenset({0, 1})


def test_without_re2_installed_the_matcher_searches_every_anchor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "re2", None)  # what an absent package looks like
    plain = Matcher(DETECTORS)
    assert not plain.prefilter.is_active
    token = st.github(st.seeded(32))
    text = f'T = "{token}"\npassword = "Xk9#mQ2pLw1z"\n'
    assert plain.find(text) == FAST.find(text) != []


def test_a_teams_own_detector_goes_through_the_prefilter(tmp_path: Path) -> None:
    rng = st.seeded(33)
    token = "acme_" + st.pick(rng, st.ALNUM, 32)
    config = SecretsConfig.model_validate(
        {
            "jobs": 1,
            "custom_detectors": [
                {
                    "id": "SECX001",
                    "slug": "acme-api-token",
                    "summary": "ACME internal API token.",
                    "pattern": r"(?P<secret>acme_[A-Za-z0-9]{32})\b",
                    "keywords": ["ACME_"],
                    "entropy": 3.5,
                }
            ],
        }
    )
    (tmp_path / "client.py").write_text(f'ACME = "{token}"\n')
    (tmp_path / "notes.md").write_text("acme tokens start with acme_ and 32 characters\n")
    ctx = CheckContext(root=tmp_path, gate="t", today=date(2025, 1, 1))
    result = SecretsCheck().run(ctx, config)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("SECX001", "client.py")]
    assert catalogue(config.custom_detectors).prefilter.is_active


def test_ordinary_ml_code_leaves_most_anchors_unsearched(tmp_path: Path) -> None:
    write_source_tree(tmp_path, 0.3, plant_every=1000)
    texts = [p.read_text() for p in sorted(tmp_path.rglob("*")) if p.is_file()]
    searched = [FAST.prefilter.present(text) for text in texts]
    assert all(s is not None and len(s) <= 4 for s in searched)
    # Keyword-heavy words without an assignment (Markdown prose, JSON values) search none.
    assert any(s == frozenset() for s in searched)
