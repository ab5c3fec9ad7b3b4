"""Model artifacts and other binary files, through :func:`mlgate.formats.strings.iter_strings`.

The strings of one blob are joined into one text so that related strings (a key id and
its secret, a dict key and its value) stay near each other: pickle and numpy strings are
joined by ``" = "`` (consecutive pickle literals are mostly key/value pairs), other
blocks by newlines. Each match maps back to the member and byte offset of its string.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from mlgate.checks.secrets.readers.hits import Hit
from mlgate.core.finding import ArtifactLocation
from mlgate.credentials.matcher import Matcher
from mlgate.formats.limits import ContainerLimits, PickleLimits
from mlgate.formats.span import Span
from mlgate.formats.strings import StringBlock, StringLimits, iter_strings

_PAIRED_ORIGINS = frozenset({"pickle", "npy"})


@dataclass(frozen=True, slots=True)
class ArtifactScan:
    """Hits of one artifact and the parts of it that could not be read."""

    hits: tuple[Hit, ...]
    problems: tuple[str, ...]


def artifact_hits(
    span: Span, path: str, matcher: Matcher, limits: StringLimits | None = None
) -> ArtifactScan:
    """Credentials in every string of an artifact, located by member and offset."""
    hits: list[Hit] = []
    problems: list[str] = []
    for item in iter_strings(span, limits=limits or default_limits(), name=path):
        if isinstance(item, StringBlock):
            hits.extend(_block_hits(item, path, matcher))
        else:
            where = f"{path}!{item.member}" if item.member else path
            problems.append(f"{where}: {item.message}")
    return ArtifactScan(tuple(hits), tuple(problems))


def default_limits() -> StringLimits:
    """Budgets for secrets scanning: generous, but bounded like the artifacts check."""
    return StringLimits(pickle=PickleLimits(max_seconds=60.0), containers=ContainerLimits())


def _block_hits(block: StringBlock, path: str, matcher: Matcher) -> list[Hit]:
    joiner = " = " if block.origin in _PAIRED_ORIGINS else "\n"
    starts: list[int] = []
    position = 0
    for piece in block.pieces:
        starts.append(position)
        position += len(piece.text) + len(joiner)
    text = joiner.join(piece.text for piece in block.pieces)
    hits = []
    for match in matcher.find(text):
        piece_index = bisect.bisect_right(starts, match.start) - 1
        piece = block.pieces[piece_index]
        within = match.start - starts[piece_index]
        offset = piece.offset + (within if block.origin in ("text", "binary") else 0)
        location = ArtifactLocation(path=path, member=block.member, offset=offset)
        where = f"member {block.member}" if block.member else ""
        hits.append(Hit(match, location, where=where, member=block.member or ""))
    return hits
