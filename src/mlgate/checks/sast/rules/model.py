"""The typed rule format: sources, sinks and sanitizers are data, not code.

A user adds a framework by writing more of these records; the engine only
interprets them. Callees are fully qualified names after import resolution
(``subprocess.run``, ``flask.request.args``); a name that starts with ``.`` matches
a method of that name on any receiver (``.execute`` covers every DB-API cursor).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mlgate.core.finding import Severity

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
    XPATH = "xpath"
    LDAP = "ldap"
    TRUST_BOUNDARY = "trust-boundary"


class Weakness(StrEnum):
    """Flaws a call or assignment has by its constant arguments alone, whatever flows in."""

    XXE = "xxe"
    WEAK_HASH = "weak-hash"
    WEAK_RANDOM = "weak-random"
    INSECURE_COOKIE = "insecure-cookie"
    SCRIPTABLE_COOKIE = "scriptable-cookie"
    TLS_UNVERIFIED = "tls-unverified"
    DEBUG_MODE = "debug-mode"
    HARDCODED_CREDENTIAL = "hardcoded-credential"


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
    DECLARED_HTML = "declared-html"
    ALLOW_PICKLE = "allow-pickle"


ALL_CLASSES: frozenset[str] = frozenset(VulnClass)


@dataclass(frozen=True, slots=True, kw_only=True)
class SinkSpec:
    """A call whose listed arguments must not carry taint of class ``vuln``.

    ``excludes`` lists qualified-name prefixes a method spec does not apply to
    (``.search`` is an LDAP query on a connection, never on the ``re`` module).
    ``severity`` and ``cwe``, when set, override those of the class's rule for this
    sink's findings (a user's record may know its sink better).
    """

    callee: str
    vuln: VulnClass
    args: tuple[int, ...] = (0,)
    kwargs: tuple[str, ...] = ()
    condition: Condition = Condition.ALWAYS
    hint: str
    excludes: tuple[str, ...] = ()
    severity: Severity | None = None
    cwe: tuple[int, ...] = ()

    @property
    def is_method(self) -> bool:
        """True when the spec matches a method name on any receiver."""
        return self.callee.startswith(".")


@dataclass(frozen=True, slots=True, kw_only=True)
class SanitizerSpec:
    """A call whose result is clean for ``clears`` (and may add marks).

    ``restores`` undoes earlier sanitising: ``unquote(quote(x))`` is raw input again.
    """

    callee: str
    clears: frozenset[str]
    restores: frozenset[str] = frozenset()


# The value an argument test sees for an argument the call does not pass.
MISSING = "<missing>"


@dataclass(frozen=True, slots=True, kw_only=True)
class ArgTest:
    """A test on one argument, by position and/or keyword, of its constant value.

    The argument's value is its folded constant (strings lower-cased), the
    qualified name it refers to (``ssl.CERT_NONE``), :data:`MISSING`, or unknown;
    the test holds when that value is in ``values``, or not in it when ``negate``.
    An unknown value never makes a test hold: a rule fires only on what it sees.
    """

    position: int | None = None
    keyword: str | None = None
    values: frozenset[object]
    negate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CallPattern:
    """A call that is a weakness when every argument test holds."""

    callee: str
    weakness: Weakness
    tests: tuple[ArgTest, ...] = ()
    hint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignPattern:
    """``x.attr = value`` / ``x["KEY"] = value`` / module ``NAME = value`` that is a weakness.

    ``target`` is ``.attr``, ``["KEY"]`` or a bare module-level ``NAME``; ``path_part``
    restricts a bare name to modules whose path contains it (Django ``settings``).
    """

    target: str
    weakness: Weakness
    values: frozenset[object]
    hint: str
    path_part: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialSlot:
    """A call argument that is a credential by position (``server.login(user, password)``).

    Keyword arguments need no record: any keyword with a credential name counts.
    """

    callee: str
    positions: tuple[int, ...]


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
