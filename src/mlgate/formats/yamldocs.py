"""Multi-document YAML with the line of every value, read safely and within budgets.

Documents are *composed* by a safe loader (libyaml when present) and turned into
JSON-like data by our own walk: no tag ever constructs an object, scalars with
custom tags stay strings, mapping keys stay the strings written in the file (as
Kubernetes reads them, so ``on:`` is not ``True``). The walk counts values after
alias expansion and bounds nesting, so an alias bomb, a cyclic alias or a deep
nest raises :class:`~mlgate.core.errors.ResourceLimitError` instead of eating memory.

A :class:`YamlView` is a value plus its path in the document, so a rule can both
read the value and name the line it came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.limits import MIB, check_limit

Key = str | int
Path = tuple[Key, ...]
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
# Only these scalar tags are constructed; anything else is kept as the written text.
_TYPED = frozenset({f"{_CORE}int", f"{_CORE}float", f"{_CORE}bool", f"{_CORE}null"})
_MERGE = f"{_CORE}merge"


class YamlSyntaxError(ValueError):
    """The text is not YAML (or not UTF-8); ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlLimits:
    """Budgets of reading one YAML file."""

    max_bytes: int = 16 * MIB
    max_values: int = 1_000_000
    max_depth: int = 100
    max_documents: int = 10_000


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a stream: its data and the line of every value in it."""

    index: int
    data: Any
    lines: Mapping[Path, int] = field(repr=False)

    def line(self, path: Path) -> int:
        """The 1-based line of ``path``, or of its deepest ancestor that exists."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 1

    def root(self) -> YamlView:
        """A view of the whole document."""
        return YamlView(self, (), self.data)


@dataclass(frozen=True, slots=True)
class YamlView:
    """A value inside a document together with where it was written."""

    document: YamlDocument
    path: Path
    value: Any

    @property
    def line(self) -> int:
        """The 1-based line of this value (of its key, inside a mapping)."""
        return self.document.line(self.path)

    def get(self, *keys: Key) -> YamlView | None:
        """The view at ``keys`` below this one, or ``None`` if any step is missing."""
        value, path = self.value, self.path
        for key in keys:
            is_key = isinstance(key, str) and isinstance(value, dict) and key in value
            is_index = isinstance(key, int) and isinstance(value, list) and 0 <= key < len(value)
            if not (is_key or is_index):
                return None
            value = value[key]
            path = (*path, key)
        return YamlView(self.document, path, value)

    def mapping(self, *keys: Key) -> YamlView | None:
        """Like :meth:`get`, but only when the value found is a mapping."""
        found = self.get(*keys)
        return found if found is not None and isinstance(found.value, dict) else None

    def items(self, *keys: Key) -> Iterator[YamlView]:
        """The elements of the sequence at ``keys`` (nothing if it is not a sequence)."""
        found = self.get(*keys)
        if found is not None and isinstance(found.value, list):
            for index in range(len(found.value)):
                yield YamlView(self.document, (*found.path, index), found.value[index])

    def text(self, *keys: Key) -> str | None:
        """The scalar at ``keys`` as text (numbers and booleans as YAML writes them)."""
        found = self.get(*keys)
        if found is None or isinstance(found.value, dict | list) or found.value is None:
            return None
        if isinstance(found.value, bool):
            return "true" if found.value else "false"
        return str(found.value)


class _Builder:
    """Turns one composed node graph into data, recording lines, within budgets."""

    def __init__(self, loader: yaml.SafeLoader, limits: YamlLimits) -> None:
        self._loader = loader
        self._limits = limits
        self.values = 0
        self.lines: dict[Path, int] = {}

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.values += 1
        check_limit("YAML values after alias expansion", self._limits.max_values, self.values)
        check_limit("YAML nesting depth", self._limits.max_depth, len(path))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in _TYPED:
            return self._loader.construct_object(node)
        return str(node.value)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(result, value_node, path)
                continue
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*path, key))
        return result

    def _merge(self, result: dict[str, Any], node: yaml.Node, path: Path) -> None:
        # `<<: *base` (or a list of them): explicit keys of the mapping win.
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            merged = self.build(source, path)
            if isinstance(merged, dict):
                for key, value in merged.items():
                    result.setdefault(key, value)


def _decode(raw: bytes, limits: YamlLimits) -> str:
    check_limit("YAML file bytes", limits.max_bytes, len(raw))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(f"not UTF-8 text ({error.reason})") from None


def _syntax_error(error: yaml.YAMLError) -> YamlSyntaxError:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        return YamlSyntaxError(problem, mark.line + 1 if mark else None)
    return YamlSyntaxError(str(error).splitlines()[0] if str(error) else "invalid YAML")


def _documents(text: str, limits: YamlLimits) -> Iterator[YamlDocument]:
    loader = _Loader(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            index += 1
            check_limit("YAML documents", limits.max_documents, index)
            if node is None:
                continue
            builder = _Builder(loader, limits)
            data = builder.build(node, ())
            yield YamlDocument(index - 1, data, builder.lines)
    finally:
        loader.dispose()


def read_yaml_documents(raw: bytes, limits: YamlLimits | None = None) -> list[YamlDocument]:
    """Every non-empty document of a YAML stream, in order.

    Raises:
        YamlSyntaxError: the bytes are not UTF-8 YAML.
        ResourceLimitError: a budget of ``limits`` was exceeded.
    """
    limits = limits or YamlLimits()
    text = _decode(raw, limits)
    try:
        return list(_documents(text, limits))
    except yaml.YAMLError as error:
        raise _syntax_error(error) from None
    except RecursionError:
        raise ResourceLimitError(
            "YAML nesting depth", limit=limits.max_depth, actual=float("inf")
        ) from None
