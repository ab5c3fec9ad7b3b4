"""Making untrusted text safe for each output medium.

Finding messages, paths and evidence come from scanned files and other tools' reports,
so every reporter treats them as hostile: control characters could rewrite a terminal
or break XML, ``|`` breaks a Markdown table, ``<script>`` runs in a browser.
"""

from __future__ import annotations

import re

# Reporters have always imported these from here; they live in core so checks share them.
from mlgate.core.text import ELLIPSIS as ELLIPSIS
from mlgate.core.text import shorten as shorten

# C0 and C1 controls except tab and newline, DEL, lone surrogates (which cannot be
# encoded as UTF-8 at all), and the bidirectional overrides, embeddings, isolates and
# marks that make a line display in another order than it reads ("Trojan Source",
# CVE-2021-42574). Shown as visible escapes so nothing is silently dropped.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Code points XML 1.0 forbids even as character references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Inline syntax anywhere in a line (HTML is handled by entities), and block syntax that
# only counts at the start of a line (headings, lists, rules).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")


def _escape_code_point(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    r"""Replace control and bidi characters (not tab or newline) with ``\xNN`` escapes."""
    return _CONTROL.sub(_escape_code_point, text)


def one_line(text: str) -> str:
    """``visible`` text with line breaks and tabs turned into spaces."""
    return visible(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")).replace(
        "\t", " "
    )


def xml_safe(text: str) -> str:
    r"""Text that XML 1.0 can carry: forbidden code points become ``\xNN`` escapes."""
    return _XML_INVALID.sub(_escape_code_point, text)


def markdown_inline(text: str, limit: int = 500) -> str:
    """One line of Markdown that renders ``text`` literally, safe inside a table cell.

    HTML-significant characters become entities because GitHub renders inline HTML;
    Markdown punctuation is backslash-escaped so links, emphasis and ``|`` stay text.
    """
    flat = shorten(one_line(text), limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, flat)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker.isdigit():
        # "1." starts an ordered list; escaping the dot needs the character after it.
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def markdown_code(text: str, limit: int = 200) -> str:
    """Inline code of ``text`` with a fence longer than any backtick run inside it."""
    flat = shorten(one_line(text), limit).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", flat)), default=0)
    fence = "`" * (longest + 1)
    # Padding spaces (stripped by the renderer) keep a leading or trailing backtick apart
    # from the fence; an empty span would not render at all.
    if not flat or flat.startswith("`") or flat.endswith("`"):
        return f"{fence} {flat or ' '} {fence}"
    return f"{fence}{flat}{fence}"
