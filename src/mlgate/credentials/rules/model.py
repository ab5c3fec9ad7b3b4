"""The detector record: a credential format described as data.

A :class:`Detector` pairs a :class:`~mlgate.core.rule.Rule` (id, severity, CWE-798,
remediation: what reports explain) with how to find the credential: literal keywords
for the prefilter, a regular expression whose ``secret`` group is the credential, an
entropy floor, an optional context that must appear nearby, and an offline validator.
Users extend the catalogue with the same record through the check's configuration.

Speed comes from :class:`Anchor` patterns: one pass of an RE2 set over a file tells
which anchors may occur (:mod:`~mlgate.credentials.prefilter`), each of those starts
with a literal, so Python's regex engine finds it with its fast literal search, and only
the lines within ``reach`` of an anchor hit are given to the detector's full pattern
(which may start with lookbehinds or case-insensitive alternations that are slow over a
whole file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

HARD_CODED_CREDENTIALS = 798


class ValidatorName(StrEnum):
    """Offline checks a detector may ask for; see :mod:`mlgate.credentials.validators`."""

    NONE = "none"
    GITHUB_CRC32 = "github-crc32"
    AWS_KEY_ID = "aws-key-id"
    JWT = "jwt"
    PRIVATE_KEY = "private-key"
    PYPI_MACAROON = "pypi-macaroon"
    AZURE_KEY = "azure-key"
    GENERIC_ASSIGNMENT = "generic-assignment"
    URL_PASSWORD = "url-password"  # noqa: S105  # a validator name, not a password
    NOT_A_HASH_NAME = "not-a-hash-name"
    DATABRICKS = "databricks-token"
    WANDB = "wandb-key"
    DOCKERHUB = "dockerhub-pat"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a detector's match may be: a regex that starts with a literal.

    Attributes:
        pattern: regex source; its first characters are a literal (fast search). A tail
            after the literal (``token[a-z_]{0,24} *[:=]``) keeps hits rare on
            common words.
        folded: matched against the lower-cased text (so the literal is lower case);
            ``False`` matches the text as written (``AKIA``, ``eyJ``).
    """

    pattern: str
    folded: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Detector:
    """How one kind of credential is recognised.

    Attributes:
        rule: what the finding is called and how to fix it.
        provider: who issued the credential (``github``, ``aws``...).
        pattern: a regex with a named group ``secret``; it must not backtrack
            catastrophically (every repetition is bounded or over a class disjoint
            from what follows).
        keywords: lower-case literals; the regex runs only on text holding one of them.
        entropy: minimum Shannon entropy of the secret, in bits per character.
        context: a regex that must match within ``window`` characters of the secret.
        validator: the offline check the secret must pass.
        priority: among overlapping matches, the highest priority wins (specific
            provider formats over generic ones).
        allow_hash_like: whether a secret shaped like a hash (40 hex digits) may count.
        anchors: where to look (default: the keywords, case-insensitively).
        reach: characters around an anchor hit that the match and its context may span
            (whole lines are added); ``None`` runs the pattern over the whole text.
    """

    rule: Rule
    provider: str
    pattern: re.Pattern[str]
    keywords: tuple[str, ...]
    entropy: float = 0.0
    context: re.Pattern[str] | None = None
    window: int = 256
    validator: ValidatorName = ValidatorName.NONE
    priority: int = 20
    allow_hash_like: bool = False
    anchors: tuple[Anchor, ...] = ()
    reach: int | None = 640

    def scan_anchors(self) -> tuple[Anchor, ...]:
        """The anchors the matcher searches: explicit ones, or one per keyword."""
        return self.anchors or tuple(Anchor(re.escape(k)) for k in self.keywords)


def secret_rule(number: int, slug: str, severity: Severity, summary: str, remediation: str) -> Rule:
    """A ``SECnnn`` rule of the secrets check (CWE-798, hard-coded credentials)."""
    return Rule(
        id=f"SEC{number:03d}",
        slug=slug,
        severity=severity,
        summary=summary,
        remediation=remediation,
        cwe=(HARD_CODED_CREDENTIALS,),
        tags=("secrets",),
    )


ROTATE = "Revoke and rotate it at the provider, then load it from a secret store or env var."
