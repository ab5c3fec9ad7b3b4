"""Interprocedural analysis: function summaries to a bounded fixpoint over the project.

Each function is analysed with its parameters as symbolic labels, which yields a
:class:`~mlgate.checks.sast.results.Summary` (parameter -> return, parameter -> sink,
sources it returns). Callers use the summaries of their callees; when a summary
changes, the functions that called it are analysed again. Every function is
analysed at most ``max_visits`` times, so recursion and huge call graphs terminate.

Memory stays bounded by one module's syntax tree at a time: the project index keeps
only tree-free signatures, summaries are plain data, and modules are loaded on demand
(``load``) in dependency order, so callees are usually summarised before their
callers and a module is rarely loaded twice.
"""

from __future__ import annotations

import sys
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.ir import FunctionFacts, ModuleFacts
from mlgate.checks.sast.labels import join_all
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.results import (
    EMPTY_SUMMARY,
    SinkHit,
    Summary,
    WeaknessHit,
    summarise,
)
from mlgate.checks.sast.rules import RuleSet
from mlgate.checks.sast.taint import analyse_function

# Expression trees of generated code nest deeply (``a + b + ... + z`` over thousands
# of terms). Python 3.11 frames do not use the C stack, so a higher limit is safe;
# past it the function is reported as not analysed (SAST001), never skipped silently.
RECURSION_BUDGET = 20_000
DEFAULT_MAX_VISITS = 6

# Loads the full facts (syntax trees included) of the module at a path.
ModuleLoader = Callable[[str], ModuleFacts]


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionResult:
    """The outcome of analysing one function once."""

    summary: Summary
    hits: tuple[SinkHit, ...]
    callees: frozenset[str]
    weaknesses: tuple[WeaknessHit, ...] = ()
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
    project: Project,
    module: ModuleFacts,
    function: FunctionFacts,
    rules: RuleSet,
    summaries: dict[str, Summary],
) -> FunctionResult:
    """Analyse one function against the current summaries of its callees."""
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
        weaknesses=tuple(frame.weaknesses.values()),
    )


@dataclass(slots=True, kw_only=True)
class _Fixpoint:
    """Worklist state: functions waiting for analysis, grouped by module path."""

    project: Project
    rules: RuleSet
    max_visits: int
    summaries: dict[str, Summary] = field(default_factory=dict)
    results: dict[str, FunctionResult] = field(default_factory=dict)
    callers: dict[str, set[str]] = field(default_factory=dict)
    visits: Counter[str] = field(default_factory=Counter)
    pending: dict[str, set[str]] = field(default_factory=dict)
    queue: deque[str] = field(default_factory=deque)

    def schedule(self, qualname: str) -> None:
        """Queue ``qualname`` (its module is loaded again if already done)."""
        path = self.project.functions[qualname][0].path
        waiting = self.pending.setdefault(path, set())
        if not waiting:
            self.queue.append(path)
        waiting.add(qualname)

    def run_module(self, module: ModuleFacts) -> None:
        """Analyse the module's pending functions until none of them is pending."""
        while waiting := self.pending.pop(module.path, set()):
            for function in module.functions:
                if function.qualname in waiting:
                    self._visit(module, function)

    def _visit(self, module: ModuleFacts, function: FunctionFacts) -> None:
        qualname = function.qualname
        if self.visits[qualname] >= self.max_visits:
            return
        self.visits[qualname] += 1
        result = analyse_one(self.project, module, function, self.rules, self.summaries)
        self.results[qualname] = result
        for callee in result.callees:
            self.callers.setdefault(callee, set()).add(qualname)
        previous = self.summaries.get(qualname, EMPTY_SUMMARY)
        self.summaries[qualname] = result.summary
        # Later visits compare shapes only, so the fixpoint terminates. The first one
        # compares whole summaries: against a cached summary, a change of traces alone
        # (a callee's lines moved) must still refresh the callers' cached flows.
        if self.visits[qualname] == 1:
            changed = result.summary != previous
        else:
            changed = result.summary.shape() != previous.shape()
        if changed:
            for caller in sorted(self.callers.get(qualname, ())):
                self.schedule(caller)

    def seed(self, reuse: Mapping[str, FunctionResult], previous: Mapping[str, Summary]) -> None:
        """Start from cached results (kept) and cached summaries (compared against)."""
        self.summaries.update(previous)
        self.results.update(reuse)
        for qualname, result in reuse.items():
            for callee in result.callees:
                self.callers.setdefault(callee, set()).add(qualname)


def analyse_project(
    project: Project,
    rules: RuleSet,
    load: ModuleLoader,
    *,
    max_visits: int = DEFAULT_MAX_VISITS,
    reuse: Mapping[str, FunctionResult] | None = None,
    previous: Mapping[str, Summary] | None = None,
) -> dict[str, FunctionResult]:
    """Analyse every function until summaries are stable; the last result of each.

    ``reuse`` holds results of an earlier run that stay valid (see
    :mod:`mlgate.checks.sast.incremental`): those functions are analysed again only
    when a callee's summary changes. ``previous`` holds the earlier summaries of the
    functions analysed again, so an unchanged summary disturbs no caller.
    """
    run = _Fixpoint(project=project, rules=rules, max_visits=max_visits)
    run.seed(reuse or {}, previous or {})
    by_path: dict[str, list[str]] = {}
    for qualname, (index, _) in project.functions.items():
        if qualname not in run.results:
            by_path.setdefault(index.path, []).append(qualname)
    ordered = [project.modules[name].path for name in project.dependency_order()]
    # Modules shadowed by a same-named one still have their own functions analysed.
    for path in dict.fromkeys([*ordered, *by_path]):
        for qualname in by_path.get(path, ()):
            run.schedule(qualname)
    with recursion_budget():
        while run.queue:
            path = run.queue.popleft()
            if run.pending.get(path):
                run.run_module(load(path))
    return run.results
