"""Known-dangerous callables: they never decide alone, they grade and explain a block.

The allowlist decides (anything not on it blocks); a match here raises the block to
critical and says what the callable would do. Entries are matched against every
suffix of the dotted path, so a re-export (``zipfile.os.system``) or a dotted name
(``torch.utils`` + ``collect_env.run``) resolves to the callable it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Danger:
    """Why a global is dangerous, in one phrase."""

    entry: str
    family: str
    explanation: str


_MODULES: dict[str, tuple[str, str]] = {
    "os": ("process", "runs shell commands and touches the file system"),
    "posix": ("process", "is os under another name (POSIX)"),
    "nt": ("process", "is os under another name (Windows)"),
    "subprocess": ("process", "starts processes"),
    "_posixsubprocess": ("process", "starts processes"),
    "commands": ("process", "runs shell commands (Python 2 name of subprocess)"),
    "pty": ("process", "spawns processes on a pseudo-terminal"),
    "platform": ("process", "can run shell commands (platform.popen)"),
    "runpy": ("code-execution", "runs Python modules and files"),
    "importlib": ("import", "imports arbitrary modules"),
    "pkgutil": ("import", "resolves and imports arbitrary names"),
    "zipimport": ("import", "imports code from archives"),
    "code": ("code-execution", "runs Python source"),
    "codeop": ("code-execution", "compiles Python source"),
    "marshal": ("code-execution", "loads code objects"),
    "pickle": ("deserialization", "unpickles a nested payload"),
    "_pickle": ("deserialization", "unpickles a nested payload"),
    "dill": ("deserialization", "unpickles code"),
    "cloudpickle": ("deserialization", "unpickles code"),
    "shelve": ("deserialization", "unpickles files"),
    "shutil": ("filesystem", "copies, moves and deletes files"),
    "tempfile": ("filesystem", "creates files"),
    "webbrowser": ("process", "opens URLs by launching programs"),
    "socket": ("network", "opens network connections"),
    "ssl": ("network", "opens network connections"),
    "http": ("network", "makes HTTP requests"),
    "urllib": ("network", "fetches URLs"),
    "requests": ("network", "makes HTTP requests"),
    "httpx": ("network", "makes HTTP requests"),
    "ftplib": ("network", "makes FTP connections"),
    "smtplib": ("network", "sends mail"),
    "telnetlib": ("network", "opens network connections"),
    "xmlrpc": ("network", "calls remote procedures"),
    "ctypes": ("code-execution", "calls native code"),
    "_ctypes": ("code-execution", "calls native code"),
    "cffi": ("code-execution", "calls native code"),
    "pip": ("code-execution", "installs and runs packages"),
    "setuptools": ("code-execution", "builds and runs packages"),
    "ensurepip": ("code-execution", "installs packages"),
    "venv": ("code-execution", "creates environments and runs programs"),
    "pdb": ("code-execution", "runs code under the debugger"),
    "bdb": ("code-execution", "runs code under the debugger"),
    "profile": ("code-execution", "runs code under the profiler"),
    "cProfile": ("code-execution", "runs code under the profiler"),
    "trace": ("code-execution", "runs code under the tracer"),
    "timeit": ("code-execution", "runs code strings"),
    "doctest": ("code-execution", "runs code in docstrings"),
    "multiprocessing": ("process", "starts processes"),
    "asyncio": ("process", "starts processes and connections"),
    "signal": ("process", "changes process signal handling"),
    "sys": ("code-execution", "reaches interpreter internals (modules, hooks)"),
    "gc": ("code-execution", "reaches every live object"),
    "types": ("code-execution", "builds functions and code objects"),
    "inspect": ("attribute-access", "reaches arbitrary attributes"),
    "site": ("import", "changes import paths"),
    "linecache": ("filesystem", "reads files"),
    "io": ("filesystem", "opens files"),
    "_io": ("filesystem", "opens files"),
    "fileinput": ("filesystem", "opens files"),
    "glob": ("filesystem", "lists files"),
    "pathlib": ("filesystem", "reads, writes and deletes files"),
}

_NAMES: dict[str, tuple[str, str]] = {
    "builtins.eval": ("code-execution", "evaluates Python source"),
    "builtins.exec": ("code-execution", "runs Python source"),
    "builtins.compile": ("code-execution", "compiles Python source"),
    "builtins.execfile": ("code-execution", "runs a Python file"),
    "builtins.__import__": ("import", "imports arbitrary modules"),
    "builtins.getattr": ("attribute-access", "reaches any attribute, e.g. os.system"),
    "builtins.setattr": ("attribute-access", "overwrites attributes of modules and classes"),
    "builtins.delattr": ("attribute-access", "deletes attributes of modules and classes"),
    "builtins.globals": ("attribute-access", "reaches module globals"),
    "builtins.locals": ("attribute-access", "reaches local variables"),
    "builtins.vars": ("attribute-access", "reaches object namespaces"),
    "builtins.open": ("filesystem", "opens files"),
    "builtins.breakpoint": ("code-execution", "enters the debugger"),
    "builtins.input": ("code-execution", "blocks on interactive input"),
    "builtins.help": ("code-execution", "starts the interactive help"),
    "builtins.memoryview": ("attribute-access", "views raw memory"),
    "operator.methodcaller": ("attribute-access", "calls any method by name"),
    "operator.attrgetter": ("attribute-access", "reaches any attribute by name"),
    "operator.getitem": ("attribute-access", "indexes arbitrary objects"),
    "functools.partial": ("code-execution", "wraps a callable so a later call runs it"),
    "functools.reduce": ("code-execution", "calls a callable repeatedly"),
    "copyreg.add_extension": ("import", "registers globals behind EXT opcodes"),
    "torch.utils.collect_env.run": ("process", "runs a shell command"),
    "torch.utils.collect_env.run_and_read_all": ("process", "runs a shell command"),
    "torch.hub.load": ("code-execution", "downloads and runs repository code"),
    "torch.load": ("deserialization", "unpickles a nested payload"),
    "torch.jit.load": ("deserialization", "loads TorchScript code"),
    "torch.serialization.load": ("deserialization", "unpickles a nested payload"),
    "numpy.load": ("deserialization", "may unpickle a nested payload"),
    "numpy.core._ufunc_reconstruct": ("import", "imports any module and returns any name"),
    "numpy._core._ufunc_reconstruct": ("import", "imports any module and returns any name"),
    "numpy.testing._private.utils.runstring": ("code-execution", "runs Python source"),
    "joblib.load": ("deserialization", "unpickles a nested payload"),
    "pandas.read_pickle": ("deserialization", "unpickles a nested payload"),
    "pandas.io.pickle.read_pickle": ("deserialization", "unpickles a nested payload"),
    "keras.models.load_model": ("deserialization", "loads a model that may run code"),
}


def danger_of(qualname: str) -> Danger | None:
    """The denylist entry a dotted path reaches, trying every suffix of it."""
    parts = qualname.split(".")
    for start in range(len(parts)):
        found = _match(parts[start:])
        if found is not None:
            return found
    return None


def _match(parts: list[str]) -> Danger | None:
    for size in range(len(parts), 0, -1):
        candidate = ".".join(parts[:size])
        if candidate in _NAMES:
            family, explanation = _NAMES[candidate]
            return Danger(candidate, family, explanation)
    if len(parts) > 1 and parts[0] in _MODULES:
        family, explanation = _MODULES[parts[0]]
        return Danger(parts[0], family, explanation)
    return None
