"""Values that look like credentials but are not: examples, placeholders, hashes, ids.

Also the inline suppression ``# mlgate: ignore[secrets] <reason>`` (or ``ignore[SEC007]``),
which only counts with a reason, so every silenced finding says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Published in provider documentation; scanners everywhere treat them as examples.
DOCUMENTATION_EXAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "AKIAI44QH8DHBEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    }
)
_PLACEHOLDER_WORDS = (
    "example", "changeme", "change_me", "change-me", "placeholder", "redacted", "dummy",
    "your_", "your-", "yourtoken", "yourkey", "yourpassword", "replace_me", "replaceme",
    "insert_", "todo", "fixme", "notreal", "not_real", "fake_", "sample_",
)  # fmt: skip
_PLACEHOLDER_SHAPES = re.compile(
    r"<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|\$\([^)]*\)|^\$[A-Za-z_]\w*$"
    r"|x{4,}|X{4,}|\*{3,}|#{4,}|\.\.\.|…|0{8,}|(?i:^(?:password|secret|token|pass|test)\d*$)"
)
# Last words of key names that describe a secret rather than hold one (``token_path``,
# ``secret_name``, ``password_field``): a value under such a name is not a credential.
METADATA_KEY_WORDS = (
    "name", "names", "id", "ids", "path", "file", "type", "url", "uri", "env", "var", "arn",
    "field", "header", "length", "len", "prefix", "suffix", "dir", "ref", "label", "class",
    "count", "size", "endpoint", "scope", "policy", "format", "version", "mode", "hash",
    "digest", "store", "manager", "provider", "source", "location", "param", "method",
    "limit", "expiry",
)  # fmt: skip
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_HASH_HEX_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_HASH_PREFIX = re.compile(r"(?i)^(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b?)[:\-=]")
_IGNORE = re.compile(r"mlgate:\s*ignore\[([^\]]*)\][ \t]*([^\n]*)")
_COMMENT_END = re.compile(r"\s*(?:\*/|-->|#}|%})?\s*$")


def is_documentation_example(value: str) -> bool:
    """A published example key (AWS ``...EXAMPLE`` keys, Stripe's docs key)."""
    return value in DOCUMENTATION_EXAMPLES or value.endswith(("EXAMPLE", "EXAMPLEKEY"))


def is_placeholder(value: str) -> bool:
    """A template variable, an elided or masked value, or an obvious stand-in."""
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    if _PLACEHOLDER_SHAPES.search(value):
        return True
    return len(set(value)) <= 3


def is_hash_like(value: str) -> bool:
    """A content hash (hex of a digest length, ``sha256:``-prefixed) or a UUID."""
    if _UUID.fullmatch(value) or _HASH_PREFIX.match(value):
        return True
    return len(value) in _HASH_HEX_LENGTHS and _HEX.fullmatch(value) is not None


def is_allowed(value: str, *, allow_hash_like: bool) -> bool:
    """Whether a candidate is a known non-secret shape."""
    if is_documentation_example(value) or is_placeholder(value):
        return True
    return not allow_hash_like and is_hash_like(value)


@dataclass(frozen=True, slots=True)
class InlineIgnore:
    """An ``mlgate: ignore[...]`` marker on a line: which rules, and the stated reason."""

    targets: frozenset[str]
    reason: str

    def covers(self, rule_id: str) -> bool:
        """Whether the marker names this rule or the whole check."""
        return bool(self.targets & {"secrets", rule_id.lower(), "*"})


def inline_ignore(line: str) -> InlineIgnore | None:
    """The marker on ``line``, if there is one."""
    match = _IGNORE.search(line)
    if match is None:
        return None
    targets = frozenset(t.strip().lower() for t in match.group(1).split(","))
    reason = _COMMENT_END.sub("", match.group(2)).strip().strip("\"',")
    return InlineIgnore(targets, reason)
