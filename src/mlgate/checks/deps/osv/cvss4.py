"""CVSS v4.0 base scores (CVSS-B) from the vector, by the specification's procedure.

Reference: CVSS v4.0 Specification Document, section 8 ("CVSS v4.0 Scoring"). The six
equivalence sets EQ1-EQ6 map a vector to a MacroVector whose score experts assigned
(:mod:`.cvss4_tables`). Within its MacroVector a vector is placed by interpolation: for
each EQ, its severity distance from the MacroVector's highest-severity vector, as a share
of the MacroVector's depth, times the score gap to the next lower MacroVector in that EQ;
the mean of these reductions (over EQs that have a lower MacroVector) is subtracted.

Threat and environmental metrics are validated but not applied: this is the base score,
so Exploit Maturity counts as Attacked and the security requirements as High, as the
specification prescribes for "Not Defined".
"""

from __future__ import annotations

import math
from itertools import product

from mlgate.checks.deps.osv import cvss4_tables as tables
from mlgate.checks.deps.osv.cvss import CvssError

# Severity levels in 0.1 steps: 0 is the most severe value of each metric.
_LEVELS: dict[str, dict[str, int]] = {
    "AV": {"N": 0, "A": 1, "L": 2, "P": 3},
    "AC": {"L": 0, "H": 1},
    "AT": {"N": 0, "P": 1},
    "PR": {"N": 0, "L": 1, "H": 2},
    "UI": {"N": 0, "P": 1, "A": 2},
    "VC": {"H": 0, "L": 1, "N": 2},
    "VI": {"H": 0, "L": 1, "N": 2},
    "VA": {"H": 0, "L": 1, "N": 2},
    "SC": {"H": 1, "L": 2, "N": 3},
    "SI": {"S": 0, "H": 1, "L": 2, "N": 3},
    "SA": {"S": 0, "H": 1, "L": 2, "N": 3},
    "CR": {"H": 0, "M": 1, "L": 2},
    "IR": {"H": 0, "M": 1, "L": 2},
    "AR": {"H": 0, "M": 1, "L": 2},
    "E": {"A": 0, "P": 1, "U": 2},
}
BASE_METRICS = ("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA")
# Values the base score takes for the non-base metrics (their "Not Defined" meaning).
_BASE_DEFAULTS = {"E": "A", "CR": "H", "IR": "H", "AR": "H"}
_OPTIONAL: dict[str, str] = {
    "E": "XAPU", "CR": "XHML", "IR": "XHML", "AR": "XHML", "MAV": "XNALP", "MAC": "XLH",
    "MAT": "XNP", "MPR": "XNLH", "MUI": "XNPA", "MVC": "XNLH", "MVI": "XNLH", "MVA": "XNLH",
    "MSC": "XNLH", "MSI": "XNLHS", "MSA": "XNLHS", "S": "XNP", "AU": "XNY", "R": "XAUI",
    "V": "XDC", "RE": "XLMH", "U": "",
}  # fmt: skip
_BASE_VALUES = {"SI": "HLN", "SA": "HLN"}
_EQ3_EQ6_SPLIT = {(0, 0): ((0, 1), (1, 0)), (0, 1): ((1, 1),), (1, 0): ((1, 1),), (1, 1): ((2, 1),)}
Metrics = dict[str, str]


def _check_value(key: str, value: str) -> None:
    if key in BASE_METRICS:
        allowed = set(_BASE_VALUES.get(key, "".join(_LEVELS[key])))
    elif key == "U":
        allowed = {"X", "Clear", "Green", "Amber", "Red"}
    elif key in _OPTIONAL:
        allowed = set(_OPTIONAL[key])
    else:
        raise CvssError(f"unknown CVSS v4.0 metric {key!r}")
    if value not in allowed:
        raise CvssError(f"invalid value {value!r} for metric {key}")


def parse_vector_v4(vector: str) -> Metrics:
    """The metric values of a ``CVSS:4.0/...`` vector, with base-score defaults filled in."""
    prefix, _, rest = vector.strip().partition("/")
    if prefix != "CVSS:4.0":
        raise CvssError(f"not a CVSS v4.0 vector: {vector[:60]!r}")
    metrics: Metrics = {}
    for part in rest.split("/"):
        key, _, value = part.partition(":")
        if key in metrics:
            raise CvssError(f"metric {key} appears twice")
        _check_value(key, value)
        metrics[key] = value
    missing = [key for key in BASE_METRICS if key not in metrics]
    if missing:
        raise CvssError(f"base metrics missing: {', '.join(missing)}")
    return {key: metrics[key] for key in BASE_METRICS} | _BASE_DEFAULTS


def _eq1(m: Metrics) -> int:
    if m["AV"] == "N" and m["PR"] == "N" and m["UI"] == "N":
        return 0
    if (m["AV"] == "N" or m["PR"] == "N" or m["UI"] == "N") and m["AV"] != "P":
        return 1
    return 2


def _eq3(m: Metrics) -> int:
    if m["VC"] == "H" and m["VI"] == "H":
        return 0
    return 1 if "H" in (m["VC"], m["VI"], m["VA"]) else 2


def _eq4(m: Metrics) -> int:
    if m["SI"] == "S" or m["SA"] == "S":
        return 0
    return 1 if "H" in (m["SC"], m["SI"], m["SA"]) else 2


def macrovector(m: Metrics) -> tuple[int, int, int, int, int, int]:
    """EQ1-EQ6 of the metrics (the specification's equivalence-set table)."""
    eq2 = 0 if m["AC"] == "L" and m["AT"] == "N" else 1
    high_need = any(m[need] == "H" and m[impact] == "H" for need, impact in _PAIRS)
    return _eq1(m), eq2, _eq3(m), _eq4(m), _LEVELS["E"][m["E"]], 0 if high_need else 1


_PAIRS = (("CR", "VC"), ("IR", "VI"), ("AR", "VA"))


def _distance(m: Metrics, reference: str, keys: tuple[str, ...]) -> tuple[int, ...]:
    ref = dict(part.split(":") for part in reference.split("/"))
    return tuple(_LEVELS[key][m[key]] - _LEVELS[key][ref[key]] for key in keys)


_EQ_KEYS = (
    ("AV", "PR", "UI"),
    ("AC", "AT"),
    ("VC", "VI", "VA", "CR", "IR", "AR"),
    ("SC", "SI", "SA"),
    ("E",),
)


def _distances(m: Metrics, eqs: tuple[int, ...]) -> tuple[int, ...]:
    """Per EQ group, the distance from the first highest-severity vector ``m`` is below."""
    eq1, eq2, eq3, eq4, eq5, eq6 = eqs
    choices = product(
        tables.MAX_VECTORS_EQ1[eq1],
        tables.MAX_VECTORS_EQ2[eq2],
        tables.MAX_VECTORS_EQ3_EQ6[(eq3, eq6)],
        tables.MAX_VECTORS_EQ4[eq4],
        tables.MAX_VECTORS_EQ5[eq5],
    )
    for references in choices:
        parts = [_distance(m, ref, keys) for ref, keys in zip(references, _EQ_KEYS, strict=True)]
        if all(d >= 0 for part in parts for d in part):
            return tuple(sum(part) for part in parts)
    raise CvssError("no highest-severity vector dominates this vector")  # pragma: no cover


def _score(eqs: tuple[int, ...]) -> float | None:
    return tables.MACROVECTOR_SCORES.get("".join(map(str, eqs)))


def _lower_scores(eqs: tuple[int, ...]) -> tuple[float | None, ...]:
    """The score of the next lower MacroVector in EQ1, EQ2, EQ3+EQ6, EQ4, EQ5 (or None)."""
    eq1, eq2, eq3, eq4, eq5, eq6 = eqs
    joint = [_score((eq1, eq2, a, eq4, eq5, b)) for a, b in _EQ3_EQ6_SPLIT.get((eq3, eq6), ())]
    known = [score for score in joint if score is not None]
    return (
        _score((eq1 + 1, eq2, eq3, eq4, eq5, eq6)),
        _score((eq1, eq2 + 1, eq3, eq4, eq5, eq6)),
        max(known) if known else None,
        _score((eq1, eq2, eq3, eq4 + 1, eq5, eq6)),
        _score((eq1, eq2, eq3, eq4, eq5 + 1, eq6)),
    )


def _depths(eqs: tuple[int, ...]) -> tuple[int, ...]:
    eq1, eq2, eq3, eq4, eq5, eq6 = eqs
    return (
        tables.DEPTH_EQ1[eq1],
        tables.DEPTH_EQ2[eq2],
        tables.DEPTH_EQ3_EQ6[(eq3, eq6)],
        tables.DEPTH_EQ4[eq4],
        tables.DEPTH_EQ5[eq5],
    )


def _round_half_up(value: float) -> float:
    # The reference rounds half up, after a 1e-6 nudge that absorbs floating-point noise.
    return math.floor((value + 1e-6) * 10 + 0.5) / 10


def base_score_v4(vector: str) -> float:
    """The CVSS v4.0 base score (CVSS-B, 0.0 to 10.0) of ``vector``."""
    m = parse_vector_v4(vector)
    if all(m[key] == "N" for key in ("VC", "VI", "VA", "SC", "SI", "SA")):
        return 0.0
    eqs = macrovector(m)
    value = tables.MACROVECTOR_SCORES[("".join(map(str, eqs)))]
    reductions = [
        (value - lower) * distance / depth
        for lower, distance, depth in zip(
            _lower_scores(eqs), _distances(m, eqs), _depths(eqs), strict=True
        )
        if lower is not None
    ]
    mean = sum(reductions) / len(reductions) if reductions else 0.0
    return _round_half_up(min(max(value - mean, 0.0), 10.0))
