"""The typed rule format: sources, sinks and sanitizers are data, not code.

A user adds a framework by writing more of these records; the engine only
interprets them. Callees are fully qualified names after import resolution
(``subprocess.run``, ``flask.request.args``); a name that starts with ``.`` matches
a method of that name on any receiver (``.execute`` covers every DB-API cursor).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Argument position meaning "the object the method is called on".
RECEIVER = -1


class VulnClass(StrEnum):
    """The families of injection flaw; a sanitizer clears taint for some of them."""

    SQL = "sql"
    COMMAND = "command"
    PATH = "path"
    XSS = "xss"
    SSTI = "ssti"
    CODE = "code"
    DESERIALIZATION = "deserialization"
    REDIRECT = "redirect"
    SSRF = "ssrf"


class Mark(StrEnum):
    """Facts about a value that are not vulnerability classes but enable a later guard."""

    NORMALISED_PATH = "normalised-path"


class Condition(StrEnum):
    """Extra syntactic conditions under which a call is a sink."""

    ALWAYS = "always"
    SHELL_TRUE = "shell-true"
    NO_SHELL_PROGRAM = "no-shell-program"
    UNSAFE_YAML_LOADER = "unsafe-yaml-loader"
    HTML_CONTENT = "html-content"
    ALLOW_PICKLE = "allow-pickle"


ALL_CLASSES: frozenset[str] = frozenset(VulnClass)


@dataclass(frozen=True, slots=True, kw_only=True)
class SinkSpec:
    """A call whose listed arguments must not carry taint of class ``vuln``."""

    callee: str
    vuln: VulnClass
    args: tuple[int, ...] = (0,)
    kwargs: tuple[str, ...] = ()
    condition: Condition = Condition.ALWAYS
    hint: str

    @property
    def is_method(self) -> bool:
        """True when the spec matches a method name on any receiver."""
        return self.callee.startswith(".")


@dataclass(frozen=True, slots=True, kw_only=True)
class SanitizerSpec:
    """A call whose result is clean for ``clears`` (and may add marks)."""

    callee: str
    clears: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpec:
    """A fully qualified attribute or call whose value is attacker-controlled."""

    name: str
    framework: str
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestShape:
    """Attributes and methods of a framework's request object that carry user input."""

    framework: str
    attributes: frozenset[str]
    methods: frozenset[str]
    type_names: frozenset[str]
