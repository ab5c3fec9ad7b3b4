"""Source files of one scan, parsed on demand with a bounded cache of module trees.

A syntax tree costs about 1.5 KiB of memory per source line, so holding every tree
of a 600k-line project would take ~1 GiB. The store keeps the raw bytes (which the
caller holds anyway); a project of at most ``max_lines`` lines keeps all its trees,
a larger one keeps none and parses each module again when it is analysed, which is
cheap next to the analysis (the stdlib parser reads ~150k lines/s).

Why all or nothing rather than a least-recently-used cache: a cache that keeps
replacing trees makes the cyclic garbage collector traverse tens of megabytes of
survivors again and again, which measured 40 % slower than parsing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlgate.checks.sast.collect import build_module
from mlgate.checks.sast.ir import ModuleFacts
from mlgate.checks.sast.parse import ParseFailure, SourceParser, decode_source

# Projects this small are parsed once (~60 MiB of trees); larger ones twice.
DEFAULT_CACHE_LINES = 40_000


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """One Python file: the path reports show and its raw bytes."""

    path: str
    data: bytes


class ModuleStore:
    """Parses files into module facts, keeping recent ones within a line budget."""

    __slots__ = ("_cache", "_cached_lines", "_files", "_is_caching", "_max_lines", "_parser")

    def __init__(self, parser: SourceParser, *, max_lines: int = DEFAULT_CACHE_LINES) -> None:
        """Use ``parser`` for every file; keep trees of at most ``max_lines`` lines."""
        self._parser = parser
        self._max_lines = max_lines
        self._files: dict[str, SourceFile] = {}
        self._cache: dict[str, ModuleFacts] = {}
        self._cached_lines = 0
        self._is_caching = True

    def add(self, file: SourceFile) -> ModuleFacts | ParseFailure:
        """Parse a new file; its facts, or why it cannot be parsed."""
        facts = self._parse(file)
        if not isinstance(facts, ParseFailure):
            self._files[file.path] = file
            self._remember(facts)
        return facts

    def add_unparsed(self, file: SourceFile) -> None:
        """Register a file whose index came from the result cache (parsed only if needed)."""
        self._files[file.path] = file

    def load(self, path: str) -> ModuleFacts:
        """The facts of an added file, from the cache or parsed again."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        facts = self._parse(self._files[path])
        if isinstance(facts, ParseFailure):
            # The same bytes parsed once already: only a non-deterministic parser
            # gets here, and a crash (an error verdict) beats a silent skip.
            raise RuntimeError(f"{path} no longer parses: {facts.message}")
        return facts

    def lines(self, path: str) -> tuple[str, ...]:
        """The text lines of an added file (for report snippets)."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached.lines
        file = self._files.get(path)
        return tuple(decode_source(file.data).splitlines()) if file is not None else ()

    def _parse(self, file: SourceFile) -> ModuleFacts | ParseFailure:
        parsed = self._parser.parse(file.data, file.path)
        if isinstance(parsed, ParseFailure):
            return parsed
        return build_module(parsed.tree, path=file.path, text=parsed.text)

    def _remember(self, facts: ModuleFacts) -> None:
        if not self._is_caching:
            return
        self._cache[facts.path] = facts
        self._cached_lines += len(facts.lines)
        if self._cached_lines > self._max_lines:
            self._cache.clear()
            self._is_caching = False
