"""The abstract state of one program point: taint by access path, container shapes, constants.

An *access path* names a storage place: ``("x",)`` for a variable, ``("self", ".db")``
for an attribute. Containers built from literals keep a *shape*, the taint of each
constant key or index, so ``d["safe"]`` stays clean beside a tainted ``d["user"]``.
Absent paths are clean, so the state stays as small as the taint it holds.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from mlgate.checks.sast.labels import EMPTY, Taint, join, join_all

AccessPath = tuple[str, ...]


class Unknown:
    """The value of a name that is bound but not to a known constant."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True, slots=True)
class ListShape:
    """A list or tuple whose length and per-index taint are known."""

    items: tuple[Taint, ...]

    def whole(self) -> Taint:
        """Taint of the container as one value."""
        return join_all(self.items)


@dataclass(frozen=True, slots=True)
class DictShape:
    """A dict whose keys are known constants."""

    items: Mapping[Hashable, Taint]

    def whole(self) -> Taint:
        """Taint of the container as one value."""
        return join_all(self.items.values())


Shape = ListShape | DictShape


class State:
    """Mutable per-program-point facts; copy before branching."""

    __slots__ = ("classes", "consts", "dead", "derived", "shapes", "vars")

    def __init__(self) -> None:
        self.vars: dict[AccessPath, Taint] = {}
        self.shapes: dict[AccessPath, Shape] = {}
        self.consts: dict[str, object] = {}
        # Local names bound to an instance of a project class (for method calls).
        self.classes: dict[str, str] = {}
        # Local names holding a parsed URL or its host: name -> (kind, path of the URL),
        # so a guard on ``host`` vouches for the URL it was parsed from.
        self.derived: dict[str, tuple[str, AccessPath]] = {}
        self.dead = False

    def copy(self) -> State:
        """An independent copy (taints and shapes are immutable, so shallow is enough)."""
        other = State()
        other.vars = dict(self.vars)
        other.shapes = dict(self.shapes)
        other.consts = dict(self.consts)
        other.classes = dict(self.classes)
        other.derived = dict(self.derived)
        other.dead = self.dead
        return other

    def read(self, path: AccessPath) -> Taint:
        """Taint of a path: its own, else that of its longest tracked prefix."""
        return _read(self.vars, path)

    def read_item(self, path: AccessPath, key: Hashable) -> Taint:
        """Taint of ``path[key]`` for a constant key, using the shape when known."""
        shape = self.shapes.get(path)
        if isinstance(shape, DictShape):
            return shape.items.get(key, EMPTY)
        if isinstance(shape, ListShape):
            index = _index(shape, key)
            return shape.items[index] if index is not None else EMPTY
        return self.read(path)

    def write(self, path: AccessPath, taint: Taint) -> None:
        """Strong update of ``path``; its parents receive the taint weakly."""
        self._kill(path)
        if taint:
            self.vars[path] = taint
            for end in range(1, len(path)):
                prefix = path[:end]
                self.vars[prefix] = join(self.vars.get(prefix, EMPTY), taint)

    def write_shape(self, path: AccessPath, shape: Shape) -> None:
        """Bind ``path`` to a container of known shape."""
        self.write(path, shape.whole())
        self.shapes[path] = shape

    def write_item(self, path: AccessPath, key: Hashable | Unknown, taint: Taint) -> None:
        """``path[key] = taint``: precise on a shaped dict, weak otherwise."""
        shape = self.shapes.get(path)
        if isinstance(shape, DictShape) and not isinstance(key, Unknown):
            self.write_shape(path, DictShape({**shape.items, key: taint}))
            return
        index = _index(shape, key)
        if isinstance(shape, ListShape) and index is not None:
            items = list(shape.items)
            items[index] = taint
            self.write_shape(path, ListShape(tuple(items)))
            return
        self.weaken(path, taint)

    def weaken(self, path: AccessPath, taint: Taint) -> None:
        """Add taint to a container whose layout is no longer known."""
        whole = join(self.read(path), taint)
        self.shapes.pop(path, None)
        if whole:
            self.vars[path] = whole

    def _kill(self, path: AccessPath) -> None:
        size = len(path)
        if self.derived:
            # A rebound name, or a new URL, breaks what a later guard would prove.
            self.derived = {
                name: (kind, source)
                for name, (kind, source) in self.derived.items()
                if (name,) != path and source[:size] != path
            }
        for table in (self.vars, self.shapes):
            doomed = [p for p in table if p[:size] == path]
            for key in doomed:
                del table[key]

    def same_as(self, other: State) -> bool:
        """Equal for a loop fixpoint: same labels per path, shape layouts and constants."""
        if self.vars.keys() != other.vars.keys() or self.shapes.keys() != other.shapes.keys():
            return False
        if any(t.flows.keys() != other.vars[p].flows.keys() for p, t in self.vars.items()):
            return False
        return self.consts.keys() == other.consts.keys() and all(
            value is other.consts[name] or value == other.consts[name]
            for name, value in self.consts.items()
        )


def _index(shape: Shape | None, key: object) -> int | None:
    """``key`` as a valid index of a list shape, else ``None``."""
    if not isinstance(shape, ListShape) or type(key) is not int:
        return None
    return key if -len(shape.items) <= key < len(shape.items) else None


def join_states(states: list[State]) -> State:
    """Merge the states of converging paths; dead paths contribute nothing."""
    live = [s for s in states if not s.dead]
    if not live:
        result = states[0].copy() if states else State()
        result.dead = True
        return result
    result = live[0].copy()
    for other in live[1:]:
        _merge_into(result, other)
    return result


def _read(table: Mapping[AccessPath, Taint], path: AccessPath) -> Taint:
    for end in range(len(path), 0, -1):
        found = table.get(path[:end])
        if found is not None:
            return found
    return EMPTY


def _merge_into(target: State, other: State) -> None:
    # A path one side does not track holds what its tracked prefix holds there.
    before = dict(target.vars)
    for path, taint in other.vars.items():
        target.vars[path] = join(_read(before, path), taint)
    for path, taint in before.items():
        if len(path) > 1 and path not in other.vars:
            target.vars[path] = join(taint, other.read(path))
    target.shapes = {
        path: merged
        for path, shape in target.shapes.items()
        if (merged := _merge_shapes(shape, other.shapes.get(path))) is not None
    }
    target.consts = {
        name: value if other.consts.get(name, UNKNOWN) == value else UNKNOWN
        for name, value in target.consts.items()
    }
    for name in other.consts.keys() - target.consts.keys():
        target.consts[name] = UNKNOWN
    target.classes = {
        name: kind for name, kind in target.classes.items() if other.classes.get(name) == kind
    }
    target.derived = {
        name: fact for name, fact in target.derived.items() if other.derived.get(name) == fact
    }


def _merge_shapes(first: Shape, second: Shape | None) -> Shape | None:
    if isinstance(first, ListShape) and isinstance(second, ListShape):
        if len(first.items) != len(second.items):
            return None
        return ListShape(tuple(join(a, b) for a, b in zip(first.items, second.items, strict=True)))
    if isinstance(first, DictShape) and isinstance(second, DictShape):
        if first.items.keys() != second.items.keys():
            return None
        return DictShape({k: join(v, second.items[k]) for k, v in first.items.items()})
    return None
