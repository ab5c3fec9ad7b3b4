"""Finding credentials in a text: anchor scans, detector regexes in windows, filters.

One pass of the :mod:`~mlgate.credentials.prefilter` tells which anchors may occur;
each of those :class:`~mlgate.credentials.rules.model.Anchor` is then searched once
over the text (lower-cased once, when a folded one is searched). An anchor starts with
a literal, so the regex engine runs its literal search (close to ``str.find`` speed)
and the anchor's tail is checked in C at each occurrence, which keeps hits rare even
for common words such as ``token``. A detector's own pattern then runs only over the
lines within its ``reach`` of its anchors' hits. Python-level work is thus proportional
to anchor hits, not to the file's size: a file with no anchor costs one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from mlgate.credentials.allowlist import is_allowed
from mlgate.credentials.decoding import MAX_DEPTH, Encoded, encoded_values
from mlgate.credentials.entropy import shannon_entropy
from mlgate.credentials.prefilter import Prefilter
from mlgate.credentials.rules.model import Detector, ValidatorName
from mlgate.credentials.validators import VALIDATORS, Validity

Window = tuple[int, int]

# Checksums and parsed structure already tell a real value from a stand-in; the
# placeholder heuristics would only add false negatives on long random bodies.
_STRUCTURAL = frozenset({ValidatorName.GITHUB_CRC32, ValidatorName.PRIVATE_KEY})
# The generic assignment rule's priority: a match of it over an encoded run that decodes
# to text is replaced by what the decoded text holds.
_GENERIC_PRIORITY = 0


@dataclass(frozen=True, slots=True)
class Match:
    """One accepted credential: which detector, where in the text, and how sure."""

    detector: Detector
    start: int
    end: int
    secret: str
    validity: Validity
    encoding: str = ""


@dataclass(frozen=True, slots=True)
class _Compiled:
    """An anchor's two compiled forms (exact, and case-insensitive for ``İ`` texts)."""

    folded: bool
    exact: re.Pattern[str]
    caseless: re.Pattern[str]


class _AnchorScan:
    """The hits of each anchor (by its index) in one text, each searched at most once."""

    def __init__(
        self, text: str, compiled: tuple[_Compiled, ...], present: frozenset[int] | None
    ) -> None:
        self.text = text
        self.compiled = compiled
        # Anchors the prefilter ruled out are never searched (``None``: search them all).
        self.present = present
        self._lowered: str | None = None
        self._folded = False
        self.hits: dict[int, list[Window]] = {}

    @property
    def lowered(self) -> str | None:
        """The lower-cased text, made on first use; ``None`` when it changes offsets."""
        if not self._folded:
            lowered = self.text.lower()
            # Lower-casing keeps offsets unless a character expands (``İ``): then the
            # folded anchors run case-insensitively over the text itself, slower but exact.
            self._lowered = lowered if len(lowered) == len(self.text) else None
            self._folded = True
        return self._lowered

    def of(self, anchor: int) -> list[Window]:
        """``(start, end)`` of every hit of the anchor numbered ``anchor``."""
        found = self.hits.get(anchor)
        if found is None:
            if self.present is not None and anchor not in self.present:
                found = []
            else:
                found = self._search(self.compiled[anchor])
            self.hits[anchor] = found
        return found

    def _search(self, anchor: _Compiled) -> list[Window]:
        lowered = self.lowered if anchor.folded else None
        if lowered is not None:
            target, pattern = lowered, anchor.exact
        else:
            target = self.text
            pattern = anchor.caseless if anchor.folded else anchor.exact
        return [m.span() for m in pattern.finditer(target)]

    def windows(self, detector: Detector, anchors: tuple[int, ...]) -> list[Window]:
        """Whole-line windows around the hits of the detector's ``anchors``, merged."""
        spans = [span for anchor in anchors for span in self.of(anchor)]
        if not spans:
            return []
        if detector.reach is None:
            return [(0, len(self.text))]
        return _merged(self._lines(_around(sorted(spans), detector.reach)))

    def _lines(self, windows: Iterable[Window]) -> Iterator[Window]:
        text = self.text
        for start, end in windows:
            stop = text.find("\n", min(end, len(text)))
            yield text.rfind("\n", 0, start) + 1, len(text) if stop < 0 else stop


def _around(spans: list[Window], reach: int) -> Iterator[Window]:
    """Spans widened by ``reach`` and merged where they touch (hits come sorted)."""
    low, high = max(0, spans[0][0] - reach), spans[0][1] + reach
    for start, end in spans[1:]:
        if start - reach <= high:
            high = max(high, end + reach)
            continue
        yield low, high
        low, high = max(0, start - reach), end + reach
    yield low, high


def _merged(windows: Iterable[Window]) -> list[Window]:
    out: list[Window] = []
    for start, end in windows:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


class Matcher:
    """Runs a catalogue of detectors over texts (``prefilter=False``: search every anchor)."""

    def __init__(self, detectors: Sequence[Detector], *, prefilter: bool = True) -> None:
        self.detectors = tuple(detectors)
        anchors = sorted(
            {a for d in self.detectors for a in d.scan_anchors()},
            key=lambda a: (a.pattern, a.folded),
        )
        number = {anchor: index for index, anchor in enumerate(anchors)}
        self._plan = tuple(
            (d, tuple(sorted({number[a] for a in d.scan_anchors()}))) for d in self.detectors
        )
        self._compiled = tuple(
            _Compiled(a.folded, re.compile(a.pattern), re.compile(a.pattern, re.IGNORECASE))
            for a in anchors
        )
        # Without the prefilter every anchor is searched: same results, slower.
        self.prefilter = Prefilter(anchors if prefilter else ())

    def find(self, text: str) -> list[Match]:
        """Every credential in ``text``, overlapping candidates resolved, in text order."""
        candidates = self.candidates(text, MAX_DEPTH)
        vetoes = [m for m in candidates if m.validity is Validity.INVALID]
        kept = [m for m in candidates if m.validity is not Validity.INVALID]
        return sorted(_resolve(_unvetoed(kept, vetoes)), key=lambda m: m.start)

    def candidates(self, text: str, depth: int) -> list[Match]:
        """Unresolved matches and look-alikes, with those of ``depth`` levels of decoding."""
        # One byte image of an ASCII text serves the prefilter and the run search.
        image = text.encode("ascii") if text.isascii() else None
        present = self.prefilter.present(text, image)
        scan = _AnchorScan(text, self._compiled, present)
        direct = [
            match
            for detector, anchors in self._plan
            if present is None or not present.isdisjoint(anchors)
            for window in scan.windows(detector, anchors)
            for match in _candidates(detector, text, window)
        ]
        if depth <= 0:
            return direct
        values = list(encoded_values(text, image))
        if not values:
            return direct
        decoded = [match for encoded in values for match in self._decoded(encoded, depth - 1)]
        return _combined(direct, decoded, {(e.start, e.end) for e in values})

    def _decoded(self, encoded: Encoded, depth: int) -> Iterator[Match]:
        """Matches inside a decoded value, placed on its encoded run."""
        for match in self.candidates(encoded.text, depth):
            if match.start < encoded.value_end and encoded.value_start < match.end:
                inner = f"{match.encoding} in " if match.encoding else ""
                label = f"{inner}{encoded.encoding}"
                yield replace(match, start=encoded.start, end=encoded.end, encoding=label)


def _combined(direct: list[Match], decoded: list[Match], runs: set[Window]) -> list[Match]:
    """Direct and decoded candidates, each kind dropped where the other is the real one.

    A direct match spanning exactly a run that decodes to text matched the encoding
    itself (a high-entropy blob under a ``token`` name): what the decoded text holds,
    allowlisted or not, is judged instead, unless the direct detector is more specific
    than the generic rule. A direct credential that merely overlaps a run (an Azure SAS
    whose query is percent-encoded, a JWT whose parts are base64) is the real finding,
    and the decoded one is dropped.
    """
    ceiling = dict.fromkeys(runs, _GENERIC_PRIORITY)
    for d in decoded:
        ceiling[d.start, d.end] = max(ceiling[d.start, d.end], d.detector.priority)
    real = [
        m for m in direct if m.validity is not Validity.INVALID and (m.start, m.end) not in runs
    ]
    kept_decoded = [
        d for d in decoded if not any(m.start < d.end and d.start < m.end for m in real)
    ]
    kept_direct = [m for m in direct if ceiling.get((m.start, m.end), -1) < m.detector.priority]
    return kept_direct + kept_decoded


def _candidates(detector: Detector, text: str, window: Window) -> Iterable[Match]:
    """Accepted matches, and as ``INVALID`` the values judged to be look-alikes."""
    for found in detector.pattern.finditer(text, *window):
        secret = found.group("secret")
        start, end = found.span("secret")
        if not _is_candidate(detector, secret, text, start, end):
            continue
        validity = _verdict(detector, secret, found.groupdict())
        yield Match(detector, start, end, secret, validity)


def _is_candidate(detector: Detector, secret: str, text: str, start: int, end: int) -> bool:
    """Entropy and context: a value failing them is simply not this detector's."""
    if detector.entropy and shannon_entropy(secret) < detector.entropy:
        return False
    return detector.context is None or _has_context(detector, text, start, end)


def _verdict(detector: Detector, secret: str, groups: dict[str, str]) -> Validity:
    """Allowlists and the validator: a value failing them is a recognised look-alike."""
    if detector.validator not in _STRUCTURAL and is_allowed(
        secret, allow_hash_like=detector.allow_hash_like
    ):
        return Validity.INVALID
    return VALIDATORS[detector.validator](secret, {k: v for k, v in groups.items() if v})


def _unvetoed(kept: list[Match], vetoes: list[Match]) -> list[Match]:
    """Drop matches overlapping a look-alike that a more specific detector recognised.

    A GitHub token with a wrong checksum is a look-alike, whatever name it is assigned
    to: the generic assignment rule must not report it again.
    """
    return [
        m
        for m in kept
        if not any(
            v.detector.priority > m.detector.priority and v.start < m.end and m.start < v.end
            for v in vetoes
        )
    ]


def _has_context(detector: Detector, text: str, start: int, end: int) -> bool:
    assert detector.context is not None  # noqa: S101  # narrowed by the caller
    window = text[max(0, start - detector.window) : end + detector.window]
    local_start = start - max(0, start - detector.window)
    for found in detector.context.finditer(window):
        # The secret must not be its own context (a key id inside a 40-character run).
        if found.end() <= local_start or found.start() >= local_start + (end - start):
            return True
    return False


def _resolve(candidates: list[Match]) -> list[Match]:
    """Among overlapping matches keep the most specific (priority, then length)."""
    ranked = sorted(candidates, key=lambda m: (-m.detector.priority, -(m.end - m.start), m.start))
    kept: list[Match] = []
    for match in ranked:
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return kept
