"""Encoded values: base64, hex and percent-encoded runs that decode to readable text.

A token wrapped in base64 (a Kubernetes ``Secret``, a CI variable, ``echo $T | base64``),
hex or percent-encoding (a URL-encoded connection string) hides from every pattern. Each
run that decodes to readable UTF-8 is put back in its line in place of the encoded
form, so the detectors see ``db_password: <decoded>`` with its key, and the caller maps
what they find inside the decoded value back to the encoded run.

Everything is bounded: runs of 22 to 4,096 characters (hex from 32), at most
:data:`MAX_RUNS` runs per text, a decoded value of at least 16 readable characters, and
the caller decodes at most :data:`MAX_DEPTH` levels (base64 of base64). Random bytes (model
weights, hashes, images) almost never decode to readable UTF-8, so they cost a failed
decode and nothing more.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

MAX_DEPTH = 2
MAX_RUNS = 10_000
_MIN_DECODED = 16
_CONTEXT = 256
_MAX_RUN = 4096
# 16 bytes, the shortest value decoded, are 22 base64 characters before padding.
_MIN_RUN = 22
# Runs are found on a byte image of the text where every base64 character is "a" and
# everything else a space (one byte per character, so offsets carry over): a C-speed
# ``bytes.find`` for 24 "a"s replaces a regex tried at every position of the text.
_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_FLATTEN = bytes(ord("a") if byte in _ALPHABET else ord(" ") for byte in range(256))
_NEEDLE = b"a" * _MIN_RUN
_HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}){16,}")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
# A JSON string literal on one line; the two alternatives are disjoint, so it is linear.
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.){1,4096}"')
_MIN_ESCAPED = 8
_TOKEN_BREAK = frozenset(" \t\r\n\"'<>`")
_STANDARD, _URLSAFE = frozenset("+/"), frozenset("-_")
_READABLE_CONTROLS = frozenset("\n\r\t")
# Encoded text mixes cases and digits; a run of one class is a word or a number.
_CLASSES = tuple(map(frozenset, (string.ascii_uppercase, string.ascii_lowercase, string.digits)))


@dataclass(frozen=True, slots=True)
class Encoded:
    """An encoded run and its neighbourhood with the run replaced by its decoding.

    Attributes:
        start: offset of the encoded run in the scanned text.
        end: offset just after the run.
        encoding: ``base64``, ``hex`` or ``percent-encoding``.
        text: the run's line (at most 256 characters each side), decoded in place.
        value_start: where the decoded value starts in ``text``.
        value_end: where it ends.
    """

    start: int
    end: int
    encoding: str
    text: str
    value_start: int
    value_end: int


def readable(data: bytes, minimum: int = _MIN_DECODED) -> str | None:
    """``data`` as text when it is ``minimum`` bytes or more, UTF-8, and printable (2 % slack)."""
    if len(data) < minimum:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    odd = sum(1 for char in text if not char.isprintable() and char not in _READABLE_CONTROLS)
    return text if odd * 50 <= len(text) else None


def decode_run(run: str, minimum: int = _MIN_DECODED) -> tuple[str, str] | None:
    """``(encoding, text)`` of a base64 or hex run that decodes to readable text."""
    if _HEX_RUN.fullmatch(run):
        return _labelled("hex", readable(bytes.fromhex(run), minimum))
    chars = set(run)
    if chars & _STANDARD and chars & _URLSAFE:
        return None  # a path or an identifier, not one base64 alphabet
    if _classes(chars) < 2:
        return None
    body = run.rstrip("=")
    if len(body) % 4 == 1:
        return None
    padded = body + "=" * (-len(body) % 4)
    altchars = b"-_" if chars & _URLSAFE else None
    try:
        data = base64.b64decode(padded, altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None
    return _labelled("base64", readable(data, minimum))


def _labelled(encoding: str, text: str | None) -> tuple[str, str] | None:
    return None if text is None else (encoding, text)


def _classes(chars: set[str]) -> int:
    return sum(bool(chars & group) for group in _CLASSES)


def encoded_values(text: str, image: bytes | None = None) -> Iterator[Encoded]:
    """Every base64, hex or percent-encoded run of ``text`` that decodes to readable text.

    ``image`` is the text's ASCII encoding, when the caller already made it.
    """
    for count, (start, end) in enumerate(_runs(text, image)):
        if count >= MAX_RUNS:
            break
        decoded = decode_run(text[start:end])
        if decoded is not None:
            yield _in_context(text, start, end, *decoded)
    if "%" in text:
        yield from _percent_values(text)
    # One backslash search first: ``'\\"' in text`` stops at every quote of the text.
    if "\\" in text and ('\\"' in text or "\\/" in text):
        yield from _escaped_values(text)


def _runs(text: str, image: bytes | None = None) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each maximal base64-alphabet run (with its padding), capped."""
    flat = (text.encode("ascii", "replace") if image is None else image).translate(_FLATTEN)
    position = flat.find(_NEEDLE)
    while position >= 0:
        stop = flat.find(b" ", position + _MIN_RUN)
        stop = len(flat) if stop < 0 else stop
        end = stop
        while end < len(text) and end - stop < 2 and text[end] == "=":
            end += 1
        if end - position <= _MAX_RUN and (end == len(text) or text[end] != "="):
            yield position, end
        position = flat.find(_NEEDLE, stop)


def _percent_values(text: str) -> Iterator[Encoded]:
    """Tokens holding ``%XX`` escapes whose unescaped form is readable and different."""
    last_end = -1
    for count, found in enumerate(_PERCENT.finditer(text)):
        if count > MAX_RUNS:
            return
        if found.start() < last_end:
            continue  # another escape of the token just decoded
        start, end = _token_bounds(text, found.start())
        last_end = end
        value = readable(unquote_to_bytes(text[start:end]))
        if value is not None and value != text[start:end]:
            yield _in_context(text, start, end, "percent-encoding", value)


def _escaped_values(text: str) -> Iterator[Encoded]:
    """JSON string literals holding escaped quotes or slashes, on the lines that have them.

    A value inside an escaped command (``export TOKEN=`` then an escaped quote) or written
    with escaped slashes (as PHP's encoder writes URLs) matches no pattern until unescaped.
    """
    for start, end in _escaped_lines(text):
        for found in _JSON_STRING.finditer(text, start, end):
            if "\\" not in found.group():
                continue
            try:
                value = json.loads(found.group())
            except ValueError:
                continue
            if isinstance(value, str) and len(value) >= _MIN_ESCAPED:
                yield _in_context(text, found.start(), found.end(), "JSON string escapes", value)


def _escaped_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line holding an escaped quote or slash, in order, capped."""
    position = min((p for p in (text.find('\\"'), text.find("\\/")) if p >= 0), default=-1)
    count = 0
    while position >= 0 and count < MAX_RUNS:
        count += 1
        start = text.rfind("\n", 0, position) + 1
        stop = text.find("\n", position)
        end = len(text) if stop < 0 else stop
        yield start, end
        following = [p for p in (text.find('\\"', end), text.find("\\/", end)) if p >= 0]
        position = min(following, default=-1)


def _token_bounds(text: str, position: int) -> tuple[int, int]:
    """The run around ``position`` up to whitespace or quotes, at most 4,096 each side."""
    start = position
    floor = max(0, position - _MAX_RUN)
    while start > floor and text[start - 1] not in _TOKEN_BREAK:
        start -= 1
    end = position
    ceiling = min(len(text), position + _MAX_RUN)
    while end < ceiling and text[end] not in _TOKEN_BREAK:
        end += 1
    return start, end


def _in_context(text: str, start: int, end: int, encoding: str, value: str) -> Encoded:
    """The run's line, bounded, with the decoded value in place of the run."""
    left = max(text.rfind("\n", 0, start) + 1, start - _CONTEXT)
    stop = text.find("\n", end)
    right = min(len(text) if stop < 0 else stop, end + _CONTEXT)
    piece = text[left:start] + value + text[end:right]
    offset = start - left
    return Encoded(start, end, encoding, piece, offset, offset + len(value))
