"""Evidence: signed in-toto statements of verdicts (DSSE), and their verification at deploy.

``attest`` turns a verdict into a signed envelope; ``verify`` checks one against what a
deploy step expects. Keys are loaded with ``load_signer`` / ``load_verifier`` (needs the
``evidence`` extra: ``pip install 'mlgate[evidence]'``).
"""

from __future__ import annotations

from mlgate.core.durations import parse_duration
from mlgate.evidence.attest import attest
from mlgate.evidence.dsse import Envelope, parse_envelope
from mlgate.evidence.keys import Signer, Verifier, load_signer, load_verifier
from mlgate.evidence.statement import PREDICATE_TYPE
from mlgate.evidence.subjects import Subject, subjects_of
from mlgate.evidence.verify import Expectations, VerificationResult, verify

__all__ = [
    "PREDICATE_TYPE",
    "Envelope",
    "Expectations",
    "Signer",
    "Subject",
    "VerificationResult",
    "Verifier",
    "attest",
    "load_signer",
    "load_verifier",
    "parse_duration",
    "parse_envelope",
    "subjects_of",
    "verify",
]
