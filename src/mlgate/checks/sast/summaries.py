"""Interprocedural analysis: function summaries to a bounded fixpoint over the project.

Each function is analysed with its parameters as symbolic labels, which yields a
:class:`~mlgate.checks.sast.results.Summary` (parameter -> return, parameter -> sink,
sources it returns). Callers use the summaries of their callees; when a summary
changes, the functions that called it are analysed again. Every function is
analysed at most ``max_visits`` times, so recursion and huge call graphs terminate.
"""

from __future__ import annotations

import sys
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.labels import join_all
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.results import EMPTY_SUMMARY, SinkHit, Summary, summarise
from mlgate.checks.sast.rules import RuleSet
from mlgate.checks.sast.taint import analyse_function

# Expression trees of generated code nest deeply (``a + b + ... + z`` over thousands
# of terms). Python 3.11 frames do not use the C stack, so a higher limit is safe;
# past it the function is reported as not analysed (SAST001), never skipped silently.
RECURSION_BUDGET = 20_000
DEFAULT_MAX_VISITS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionResult:
    """The outcome of analysing one function once."""

    summary: Summary
    hits: tuple[SinkHit, ...]
    callees: frozenset[str]
    is_incomplete: bool = False


@contextmanager
def recursion_budget(limit: int = RECURSION_BUDGET) -> Iterator[None]:
    """Temporarily raise the interpreter's recursion limit (restored afterwards)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def analyse_one(
    project: Project, qualname: str, rules: RuleSet, summaries: dict[str, Summary]
) -> FunctionResult:
    """Analyse one function against the current summaries of its callees."""
    module, function = project.functions[qualname]
    frame = Frame(
        project=project, module=module, function=function, rules=rules, summaries=summaries
    )
    try:
        analyse_function(frame)
    except RecursionError:
        return FunctionResult(
            summary=EMPTY_SUMMARY, hits=(), callees=frozenset(), is_incomplete=True
        )
    hits = tuple(frame.hits.values())
    return FunctionResult(
        summary=summarise(join_all(frame.returned), list(hits)),
        hits=hits,
        callees=frozenset(frame.callees),
    )


def analyse_project(
    project: Project, rules: RuleSet, *, max_visits: int = DEFAULT_MAX_VISITS
) -> dict[str, FunctionResult]:
    """Analyse every function until summaries are stable; the last result of each."""
    summaries: dict[str, Summary] = {}
    results: dict[str, FunctionResult] = {}
    callers: dict[str, set[str]] = {}
    queue = deque(project.functions)
    queued = set(queue)
    visits: Counter[str] = Counter()
    with recursion_budget():
        while queue:
            qualname = queue.popleft()
            queued.discard(qualname)
            if visits[qualname] >= max_visits:
                continue
            visits[qualname] += 1
            result = analyse_one(project, qualname, rules, summaries)
            results[qualname] = result
            for callee in result.callees:
                callers.setdefault(callee, set()).add(qualname)
            previous = summaries.get(qualname, EMPTY_SUMMARY)
            summaries[qualname] = result.summary
            if result.summary.shape() != previous.shape():
                waiting = callers.get(qualname, set()) - queued
                queue.extend(sorted(waiting))
                queued.update(waiting)
    return results
