"""``match`` statements: a constant subject runs only the case it selects."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from mlgate.checks.sast.assign import bind
from mlgate.checks.sast.consts import fold
from mlgate.checks.sast.exprs import evaluate
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.state import UNKNOWN, State, join_states

_Runner = Callable[[list[ast.stmt], State, Frame], State]


def run_match(node: ast.Match, state: State, frame: Frame, run_block: _Runner) -> State:
    """Analyse the cases a ``match`` can take and join their end states."""
    subject = fold(node.subject, state, frame.module.constants)
    taint = evaluate(node.subject, state, frame)
    if subject is not UNKNOWN:
        chosen = _constant_case(node, subject, state, frame)
        if chosen is not None:
            return run_block(chosen.body, state, frame) if chosen.body else state
    ends = [state.copy()]
    for case in node.cases:
        entry = state.copy()
        for name in _captures(case.pattern):
            bind(ast.Name(id=name, ctx=ast.Store()), taint, entry, frame, None)
        ends.append(run_block(case.body, entry, frame))
    return join_states(ends)


def _constant_case(
    node: ast.Match, subject: object, state: State, frame: Frame
) -> ast.match_case | None:
    """The first case a constant subject selects, or ``None`` when undecidable."""
    for case in node.cases:
        verdict = _matches(case.pattern, subject, state, frame)
        if verdict is None or (verdict and case.guard is not None):
            return None
        if verdict:
            return case
    return ast.match_case(pattern=ast.MatchAs(), body=[])


def _matches(pattern: ast.pattern, subject: object, state: State, frame: Frame) -> bool | None:
    if isinstance(pattern, ast.MatchValue):
        value = fold(pattern.value, state, frame.module.constants)
        return None if value is UNKNOWN else bool(value == subject)
    if isinstance(pattern, ast.MatchSingleton):
        return pattern.value is subject
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
        return True
    if isinstance(pattern, ast.MatchOr):
        verdicts = [_matches(p, subject, state, frame) for p in pattern.patterns]
        return True if any(verdicts) else (None if None in verdicts else False)
    return None


def _captures(pattern: ast.pattern) -> Iterator[str]:
    for node in ast.walk(pattern):
        name = getattr(node, "name", None) or getattr(node, "rest", None)
        if isinstance(name, str):
            yield name
