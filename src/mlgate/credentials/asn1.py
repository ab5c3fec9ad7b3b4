"""A structural DER check of private keys, without a crypto library.

Real keys (PKCS#1 RSA, SEC1 EC, PKCS#8, encrypted PKCS#8, DSA) are one DER SEQUENCE
whose length covers the data exactly and whose first element is an INTEGER (version)
or, for encrypted PKCS#8, a SEQUENCE (the algorithm). A truncated, elided ("...") or
invented body fails this, which is what separates a leaked key from a doc snippet.
"""

from __future__ import annotations

_SEQUENCE = 0x30
_INTEGER = 0x02


def read_length(data: bytes, pos: int) -> tuple[int, int] | None:
    """The DER length at ``pos`` and the offset after it; ``None`` when malformed."""
    if pos >= len(data):
        return None
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0 or count > 4 or pos + 1 + count > len(data):
        return None
    value = int.from_bytes(data[pos + 1 : pos + 1 + count], "big")
    if value < 0x80:
        return None  # DER demands the short form for small lengths
    return value, pos + 1 + count


def is_der_private_key(data: bytes) -> bool:
    """Whether ``data`` is one DER SEQUENCE starting with an INTEGER or a SEQUENCE."""
    if len(data) < 8 or data[0] != _SEQUENCE:
        return False
    outer = read_length(data, 1)
    if outer is None or outer[1] + outer[0] != len(data):
        return False
    first = outer[1]
    if data[first] not in (_INTEGER, _SEQUENCE):
        return False
    inner = read_length(data, first + 1)
    return inner is not None and inner[1] + inner[0] <= len(data)
