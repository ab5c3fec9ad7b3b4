"""The error hierarchy of mlgate, and the exit code each error maps to.

::

    MlgateError                 exit 3: a bug or an environment failure
    ├── InputError              exit 2: the user's input is wrong; one clear line
    │   ├── PolicyError         the policy file is malformed or invalid
    │   └── UsageError          a bad command-line argument, a missing path
    ├── RegistryError           exit 3: a plug-in is broken (duplicate id, not a Check)
    └── ResourceLimitError      a budget (time, bytes, depth) was exceeded; carries limit and actual

Checks raise whatever they like; the runner turns any exception inside a check into an
``error`` outcome for the gate. Only the front ends (CLI, API callers) see these classes.
"""

from __future__ import annotations


class MlgateError(Exception):
    """Base of every error mlgate raises on purpose."""

    exit_code: int = 3

    def diagnostics(self) -> str:
        """A human explanation, one line unless more is truly needed."""
        return str(self)


class InputError(MlgateError):
    """The user's input (policy, arguments, paths) is wrong."""

    exit_code = 2


class PolicyError(InputError):
    """The policy file cannot be used; the message names file, line and the fix."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        # The CLI promises one line: parser messages often span several.
        message = " ".join(message.split())
        self.path = path
        self.line = line
        self.bare_message = message
        where = path or "policy"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class UsageError(InputError):
    """A command-line argument or a named path is wrong."""


class RegistryError(MlgateError):
    """A plug-in cannot be registered or loaded."""


class ResourceLimitError(MlgateError):
    """A resource budget was exceeded while reading hostile or huge input."""

    def __init__(self, what: str, *, limit: float, actual: float) -> None:
        self.what = what
        self.limit = limit
        self.actual = actual
        super().__init__(f"{what}: limit {limit:g}, reached {actual:g}")
