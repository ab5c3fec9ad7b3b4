"""Which cached results a run can reuse, and which modules it must analyse again.

A file's entry is found by its own content (see :mod:`mlgate.checks.sast.cache`), but
its results also depend on other modules: those it imports from and those whose
functions it calls. Each entry records the cache key every such module had when the
results were computed; the module is *dirty* (analysed again) when any of them now
has another key (edited, reverted, removed) or its imports resolve to other modules
(a module added or renamed), or when a function it called no longer exists.

Effects further away travel through summaries: the fixpoint compares each
re-analysed function's summary with its cached one and analyses the callers again
only when it differs (see :func:`mlgate.checks.sast.summaries.analyse_project`), so a
change reaches exactly the callers it can affect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mlgate.checks.sast.cache import ResultCache, engine_version, entry_key
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.results import Summary
from mlgate.checks.sast.rules import RuleSet
from mlgate.checks.sast.serialise import CachedModule
from mlgate.checks.sast.store import SourceFile
from mlgate.checks.sast.summaries import FunctionResult


@dataclass(frozen=True, slots=True, kw_only=True)
class ReusePlan:
    """Results reused as they are, and the cached summaries re-analysis compares with."""

    results: Mapping[str, FunctionResult]
    summaries: Mapping[str, Summary]
    dirty: frozenset[str]


def import_paths(project: Project, name: str) -> tuple[str, ...]:
    """Paths of the project modules that module ``name`` imports from (sorted)."""
    return tuple(sorted({project.modules[m].path for m in project.imported_modules(name)}))


def dependency_paths(
    project: Project, name: str, results: Mapping[str, FunctionResult]
) -> set[str]:
    """Paths of the modules that module ``name``'s ``results`` were computed against."""
    paths = set(import_paths(project, name))
    for result in results.values():
        for callee in result.callees:
            found = project.functions.get(callee)
            if found is not None:
                paths.add(found[0].path)
    paths.discard(project.modules[name].path)
    return paths


def plan_reuse(
    project: Project, cached: Mapping[str, CachedModule], keys: Mapping[str, str]
) -> ReusePlan:
    """Split the cached modules (by path) into reusable and dirty ones.

    ``keys`` holds the current cache key of every file of the run, by path.
    """
    dirty = {path for path, entry in cached.items() if _is_dirty(project, entry, keys)}
    results = {
        qualname: result
        for path, entry in cached.items()
        if path not in dirty
        for qualname, result in entry.results.items()
    }
    summaries = {
        qualname: result.summary
        for entry in cached.values()
        for qualname, result in entry.results.items()
    }
    return ReusePlan(results=results, summaries=summaries, dirty=frozenset(dirty))


def _is_dirty(project: Project, entry: CachedModule, keys: Mapping[str, str]) -> bool:
    if any(callee not in project.functions for r in entry.results.values() for callee in r.callees):
        return True
    if import_paths(project, entry.index.name) != entry.imports:
        return True
    recorded = dict(entry.deps)
    if any(keys.get(path) != key for path, key in recorded.items()):
        return True
    return dependency_paths(project, entry.index.name, entry.results) != recorded.keys()


class CacheSession:
    """One run's use of a :class:`~mlgate.checks.sast.cache.ResultCache`.

    Without a cache every lookup misses and nothing is saved, so the engine has one
    code path whether caching is on or off.
    """

    __slots__ = ("_cache", "_keys", "_version", "cached", "fresh")

    def __init__(self, cache: ResultCache | None, rules: RuleSet) -> None:
        """Look up and save through ``cache`` (``None``: no caching) for ``rules``."""
        self._cache = cache
        self._version = engine_version(rules) if cache is not None else ""
        self._keys: dict[str, str] = {}
        self.cached: dict[str, CachedModule] = {}
        self.fresh: set[str] = set()

    def lookup(self, file: SourceFile) -> CachedModule | None:
        """The cached entry of ``file``'s exact bytes, if any (remembered for planning)."""
        if self._cache is None:
            return None
        key = entry_key(self._version, file.path, file.data)
        self._keys[file.path] = key
        entry = self._cache.get(key)
        if entry is not None and entry.index.path == file.path:
            self.cached[file.path] = entry
            return entry
        return None

    def plan(self, project: Project) -> ReusePlan:
        """What the analysis may reuse (nothing without a cache)."""
        return plan_reuse(project, self.cached, self._keys)

    def save(
        self, project: Project, results: Mapping[str, FunctionResult], plan: ReusePlan
    ) -> None:
        """Store every module whose results this run computed."""
        if self._cache is None:
            return
        touched = {
            project.functions[q][0].path
            for q, result in results.items()
            if plan.results.get(q) is not result and q in project.functions
        }
        for name, index in project.modules.items():
            key = self._keys.get(index.path)
            if key is not None and index.path in touched | self.fresh:
                self._cache.put(key, self._entry(project, name, results))

    def _entry(
        self, project: Project, name: str, results: Mapping[str, FunctionResult]
    ) -> CachedModule:
        index = project.modules[name]
        own = {s.qualname: results[s.qualname] for s in index.functions if s.qualname in results}
        paths = dependency_paths(project, name, own)
        deps = tuple(sorted((p, self._keys[p]) for p in paths if p in self._keys))
        imports = import_paths(project, name)
        return CachedModule(index=index, imports=imports, deps=deps, results=own)
