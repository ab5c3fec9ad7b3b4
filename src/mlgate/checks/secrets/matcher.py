"""Finding credentials in a text: keyword prefilter, detector regexes, filters, overlaps.

The prefilter lower-cases the text once and looks for each distinct keyword with
``str.find`` (a C-speed scan), so a detector's regex runs only on texts that hold one of
its keywords. A pure-Python Aho-Corasick would be slower than a few dozen C scans for
the catalogue's size; a compiled automaton is the upgrade path if catalogues grow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mlgate.checks.secrets.allowlist import is_allowed
from mlgate.checks.secrets.entropy import shannon_entropy
from mlgate.checks.secrets.rules.model import Detector, ValidatorName
from mlgate.checks.secrets.validators import VALIDATORS, Validity

# Checksums and parsed structure already tell a real value from a stand-in; the
# placeholder heuristics would only add false negatives on long random bodies.
_STRUCTURAL = frozenset({ValidatorName.GITHUB_CRC32, ValidatorName.PRIVATE_KEY})


@dataclass(frozen=True, slots=True)
class Match:
    """One accepted credential: which detector, where in the text, and how sure."""

    detector: Detector
    start: int
    end: int
    secret: str
    validity: Validity


class Matcher:
    """Runs a catalogue of detectors over texts."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)
        self.keywords = tuple(sorted({k for d in self.detectors for k in d.keywords}))

    def active(self, text: str) -> list[Detector]:
        """The detectors one of whose keywords occurs in ``text`` (case-insensitively)."""
        lowered = text.lower()
        present = {k for k in self.keywords if k in lowered}
        return [d for d in self.detectors if not present.isdisjoint(d.keywords)]

    def find(self, text: str) -> list[Match]:
        """Every credential in ``text``, overlapping candidates resolved, in text order."""
        candidates = [m for d in self.active(text) for m in _candidates(d, text)]
        vetoes = [m for m in candidates if m.validity is Validity.INVALID]
        kept = [m for m in candidates if m.validity is not Validity.INVALID]
        return sorted(_resolve(_unvetoed(kept, vetoes)), key=lambda m: m.start)


def _candidates(detector: Detector, text: str) -> Iterable[Match]:
    """Accepted matches, and as ``INVALID`` the values judged to be look-alikes."""
    for found in detector.pattern.finditer(text):
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
