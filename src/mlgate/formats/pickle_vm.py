"""A symbolic pickle machine: evaluates every opcode of protocols 0-5, imports nothing.

Each ``op_*`` method mirrors the C ``_pickle`` unpickler's handler of that opcode, with
every import replaced by a recorded :class:`GlobalValue` and every call by a recorded
:class:`CallValue`. Use :func:`mlgate.formats.pickle_stream.scan_pickles` to scan a blob.
"""

from __future__ import annotations

from mlgate.formats.pickle_literals import LiteralOps
from mlgate.formats.pickle_ops import HIGHEST_PROTOCOL
from mlgate.formats.pickle_records import CallKind
from mlgate.formats.pickle_values import (
    CallValue,
    DictValue,
    GlobalValue,
    ListValue,
    OpaqueValue,
    SetValue,
    Value,
    callable_name,
    render,
)

_ADD_EXTENSION = frozenset({"copyreg.add_extension", "copy_reg.add_extension"})


class Machine(LiteralOps):
    """Evaluates one pickle; construct it and call :meth:`run`."""

    # -- protocol, framing, stop -------------------------------------------------------

    def op_proto(self) -> None:
        """PROTO may appear anywhere and changes the name mapping from then on."""
        proto = self.read_uint(1)
        if proto > HIGHEST_PROTOCOL:
            raise self.fail(f"unsupported pickle protocol: {proto}")
        self.proto = proto

    def op_frame(self) -> None:
        """C ``_pickle`` only checks that the announced frame is present."""
        size = self.read_uint(8)
        if self.pos + size > self.end:
            raise self.fail("pickle data was truncated (frame)")

    def op_stop(self) -> bool:
        """The pickle's value is the stack top."""
        self.result = self.pop()
        return True

    # -- containers ----------------------------------------------------------------

    def op_empty_list(self) -> None:
        """EMPTY_LIST."""
        self.push(ListValue())

    def op_empty_tuple(self) -> None:
        """EMPTY_TUPLE."""
        self.push(())

    def op_empty_dict(self) -> None:
        """EMPTY_DICT."""
        self.push(DictValue())

    def op_empty_set(self) -> None:
        """EMPTY_SET."""
        self.push(SetValue())

    def op_list(self) -> None:
        """LIST: the items above the mark."""
        self.push(ListValue(self.pop_mark()))

    def op_tuple(self) -> None:
        """TUPLE: the items above the mark."""
        self.push(tuple(self.pop_mark()))

    def op_frozenset(self) -> None:
        """FROZENSET: the items above the mark."""
        self.push(SetValue(self.pop_mark(), frozen=True))

    def op_tuple1(self) -> None:
        """TUPLE1."""
        self.push_tuple(1)

    def op_tuple2(self) -> None:
        """TUPLE2."""
        self.push_tuple(2)

    def op_tuple3(self) -> None:
        """TUPLE3."""
        self.push_tuple(3)

    def push_tuple(self, size: int) -> None:
        """Replace the top ``size`` items with a tuple of them."""
        if len(self.stack) < size:
            raise self.fail("unpickling stack underflow")
        items = tuple(self.stack[-size:])
        del self.stack[-size:]
        self.push(items)

    def op_dict(self) -> None:
        """DICT: key/value pairs above the mark."""
        self.push(DictValue(self.pairs(self.pop_mark())))

    def pairs(self, items: list[Value]) -> list[tuple[Value, Value]]:
        """Consecutive key/value pairs; an odd count is an error as in ``_pickle``."""
        if len(items) % 2:
            raise self.fail("odd number of items for DICT/SETITEMS")
        return list(zip(items[::2], items[1::2], strict=True))

    def op_append(self) -> None:
        """APPEND: ``list.append``, or the object's own ``append``."""
        value = self.pop()
        self.extend_top("APPEND", [value])

    def op_appends(self) -> None:
        """APPENDS: ``list.extend``, or the object's own ``extend``/``append``."""
        self.extend_top("APPENDS", self.pop_mark())

    def extend_top(self, kind: CallKind, items: list[Value]) -> None:
        """Grow the list on top, or record the method call on any other object."""
        target = self.top()
        if isinstance(target, ListValue):
            target.items.extend(items)
        else:
            self.note_call(kind, target, tuple(items))

    def op_setitem(self) -> None:
        """SETITEM: ``obj[key] = value`` on the object below."""
        value = self.pop()
        key = self.pop()
        self.set_items("SETITEM", [(key, value)])

    def op_setitems(self) -> None:
        """SETITEMS: pairs above the mark into the object below it."""
        self.set_items("SETITEMS", self.pairs(self.pop_mark()))

    def set_items(self, kind: CallKind, pairs: list[tuple[Value, Value]]) -> None:
        """Fill the dict on top, or record ``__setitem__`` on any other object."""
        target = self.top()
        if isinstance(target, DictValue):
            target.items.extend(pairs)
        else:
            self.note_call(kind, target, tuple(v for pair in pairs for v in pair))

    def op_additems(self) -> None:
        """ADDITEMS: ``set.add`` for each item above the mark."""
        items = self.pop_mark()
        target = self.top()
        if isinstance(target, SetValue) and not target.frozen:
            target.items.extend(items)
        else:
            self.note_call("ADDITEMS", target, tuple(items))

    # -- stack and memo ----------------------------------------------------------------

    def op_pop(self) -> None:
        """POP: the top item, or, when the stack above the mark is empty, the mark."""
        if self.stack:
            self.stack.pop()
        else:
            self.pop_mark()

    def op_dup(self) -> None:
        """DUP."""
        self.push(self.top())

    def op_mark(self) -> None:
        """MARK: start a new stack above the current one."""
        self.metastack.append(self.stack)
        self.stack = []
        if len(self.metastack) > self.budget.limits.max_stack:
            self.push(None)  # reuses the stack-depth budget check and its error

    def op_pop_mark(self) -> None:
        """POP_MARK: drop everything above the mark."""
        self.pop_mark()

    def op_get(self) -> None:
        """GET: decimal memo index."""
        self.memo_get(self.parse_int(self.readline(), octal=False))

    def op_binget(self) -> None:
        """BINGET: 1-byte memo index."""
        self.memo_get(self.read_uint(1))

    def op_long_binget(self) -> None:
        """LONG_BINGET: 4-byte memo index."""
        self.memo_get(self.read_uint(4))

    def op_put(self) -> None:
        """PUT: decimal memo index."""
        self.memo_put(self.parse_int(self.readline(), octal=False))

    def op_binput(self) -> None:
        """BINPUT: 1-byte memo index."""
        self.memo_put(self.read_uint(1))

    def op_long_binput(self) -> None:
        """LONG_BINPUT: 4-byte memo index."""
        self.memo_put(self.read_uint(4))

    def op_memoize(self) -> None:
        """MEMOIZE: store under the number of entries the memo holds."""
        self.memo_put(len(self.memo))

    # -- globals, calls, objects ---------------------------------------------------------

    def op_global(self) -> None:
        """GLOBAL: module and name lines, UTF-8."""
        module, name = self.read_name_pair()
        self.push(self.find_class(module, name, "GLOBAL"))

    def read_name_pair(self) -> tuple[str, str]:
        """Two UTF-8 lines; ``_pickle`` rejects empty ones."""
        module = self.read_text_line("utf-8")
        name = self.read_text_line("utf-8")
        if not module or not name:
            raise self.fail("pickle data was truncated (empty global name)")
        return module, name

    def op_stack_global(self) -> None:
        """STACK_GLOBAL: module and name from the stack; non-literal ones are computed."""
        name = self.pop()
        module = self.pop()
        if isinstance(module, str) and isinstance(name, str):
            self.push(self.find_class(module, name, "STACK_GLOBAL"))
        elif _is_symbolic(module) or _is_symbolic(name):
            self.push(
                self.find_class(render(module, 120), render(name, 120), "STACK_GLOBAL", "computed")
            )
        else:
            raise self.fail("STACK_GLOBAL requires str")

    def op_inst(self) -> None:
        """INST: a global from two lines, instantiated with the items above the mark."""
        module, name = self.read_name_pair()
        klass = self.find_class(module, name, "INST")
        args = tuple(self.pop_mark())
        self.note_call("INST", klass, args)
        self.push(CallValue("INST", klass, args))

    def op_ext1(self) -> None:
        """EXT1."""
        self.extension(self.read_uint(1), "EXT1")

    def op_ext2(self) -> None:
        """EXT2."""
        self.extension(self.read_uint(2), "EXT2")

    def op_ext4(self) -> None:
        """EXT4."""
        self.extension(self.read_int4(), "EXT4")

    def extension(self, code: int, opcode: str) -> None:
        """Resolve an extension code through registrations this stream made itself.

        Anything else depends on the loading process's ``copyreg`` registry, which a
        scanner cannot know, so it is a computed global.
        """
        if code <= 0:
            raise self.fail("EXT specifies code <= 0")
        if code in self.extensions:
            module, name = self.extensions[code]
            self.push(self.find_class(module, name, opcode, "extension"))
        else:
            self.push(self.find_class("<extension registry>", str(code), opcode, "computed"))

    def op_reduce(self) -> None:
        """REDUCE: ``callable(*args)``."""
        args = self.pop()
        func = self.pop()
        self.note_call("REDUCE", func, args)
        if callable_name(func) in _ADD_EXTENSION:
            self.register_extension(args)
        self.push(CallValue("REDUCE", func, args))

    def register_extension(self, args: Value) -> None:
        """Remember ``copyreg.add_extension(module, name, code)`` for later EXT opcodes."""
        if isinstance(args, tuple) and len(args) == 3:
            module, name, code = args
            if isinstance(module, str) and isinstance(name, str) and isinstance(code, int):
                self.extensions[code] = (module, name)

    def op_build(self) -> None:
        """BUILD: ``__setstate__`` or ``__dict__`` update on the object below the state."""
        state = self.pop()
        instance = self.top()
        self.note_call("BUILD", instance, state)
        self.after_build(instance, state)

    def op_obj(self) -> None:
        """OBJ: class and arguments above the mark."""
        items = self.pop_mark()
        if not items:
            raise self.fail("OBJ without a class")
        klass, args = items[0], tuple(items[1:])
        self.note_call("OBJ", klass, args)
        self.push(CallValue("OBJ", klass, args))

    def op_newobj(self) -> None:
        """NEWOBJ: ``cls.__new__(cls, *args)``."""
        args = self.pop()
        klass = self.pop()
        self.note_call("NEWOBJ", klass, args)
        self.push(CallValue("NEWOBJ", klass, args))

    def op_newobj_ex(self) -> None:
        """NEWOBJ_EX: ``cls.__new__(cls, *args, **kwargs)``."""
        kwargs = self.pop()
        args = self.pop()
        klass = self.pop()
        self.note_call("NEWOBJ_EX", klass, (args, kwargs))
        self.push(CallValue("NEWOBJ_EX", klass, (args, kwargs)))

    def op_persid(self) -> None:
        """PERSID: an ASCII persistent id handed to the loader's ``persistent_load``."""
        pid = self.read_text_line("ascii")
        self.note_call("PERSID", None, pid)
        self.push(OpaqueValue("persistent", render(pid, 80)))

    def op_binpersid(self) -> None:
        """BINPERSID: a persistent id object from the stack."""
        pid = self.pop()
        self.note_call("BINPERSID", None, pid)
        self.push(OpaqueValue("persistent", render(pid, 80)))


def _is_symbolic(value: Value) -> bool:
    """Whether a value is only known at load time (it may well be a str then)."""
    return isinstance(value, CallValue | OpaqueValue | GlobalValue)
