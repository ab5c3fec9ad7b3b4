"""Hard-coded credentials (CWE-798): literals written where the code keeps a credential.

A literal counts when the code itself says it is a credential: it is assigned to a
credential name (``SECRET_KEY = "..."``, ``app.config["DB_PASSWORD"] = "..."``, a class
attribute of a settings class), passed as a credential keyword (``connect(password=...)``)
or argument (``server.login(user, "...")``), is a parameter's default, a value under a
credential key of a dict literal, or what a credential is compared with.

What the literal holds decides the rest, through the ``secrets`` check's own logic:
placeholders and documentation examples are not credentials, and a literal in a real
provider format (a GitHub token, an AWS key...) is left to the ``secrets`` check, which
validates and reports it. Test modules and fixtures are skipped. Reports show only the
redacted value, as the ``secrets`` check redacts it.
"""

from __future__ import annotations

import ast
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.rules.credentials import (
    CREDENTIAL_HINT,
    CREDENTIAL_NOUNS,
    KEY_QUALIFIERS,
    METADATA_WORDS,
    PASSWORD_NOUNS,
    SENTINEL_VALUES,
    SHORT_NOUNS,
)
from mlgate.checks.sast.rules.model import Weakness

if TYPE_CHECKING:
    from mlgate.credentials.matcher import Matcher

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Nouns that still name a credential at the end of one run-together word (``dbpassword``).
_SUFFIX_NOUNS = ("password", "passwd", "passphrase", "secret", "token")
# Literals that are not a credential but refer to one: URLs (a password inside one is the
# secrets check's), file paths and names, format templates, environment variable names,
# HTTP header names, regular expressions, tokenizer special tokens (``[PAD]``).
_REFERENCE = re.compile(
    r"://|^(?:[./~]|[A-Za-z]:\\)|\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|txt|ya?ml|env|ini"
    r"|cfg|conf|gpg|asc)$|\{[^{}]*\}|%\(\w+\)s|%s|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|(?i:^x-)"
    r"|\[[^\]]+\][*+?{]|\\[dwsDWS]|\(\?[:P=!<]|^\[[A-Za-z_]+\]$"
)
# snake_case and camelCase identifiers of two words or more name fields and properties
# (``"access_token"``, ``"nextPageToken"``); a PascalCase one names a type when its last
# word says so (``"V1SecretVolumeSource"``), else it may be a passphrase (``"MySecretKey"``).
_FIELD = re.compile(r"_*[a-z][a-z0-9]*(?:_[a-z0-9]+)+_*|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+")
_TYPE = re.compile(r"(?:[A-Z][a-z0-9]*)+")
# Dotted property paths such as ``s3.secret-access-key``: a credential's name.
_PROPERTY = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
_SEPARATORS = str.maketrans("-. ", "___")
_TEST_DIRS = frozenset({"test", "tests", "testing", "fixtures", "__tests__"})
_MAX_LITERAL = 1_000


@lru_cache(maxsize=8192)
def is_credential_name(name: str) -> bool:
    """``SECRET_KEY``, ``db_password``, ``authToken``: the name's last word is a credential."""
    words = [w.lower() for w in _WORD.findall(name) if not w.isdigit()]
    if not words or not METADATA_WORDS.isdisjoint(words):
        return False
    last = words[-1]
    if last in CREDENTIAL_NOUNS or last.endswith(_SUFFIX_NOUNS):
        return True
    if last in SHORT_NOUNS:
        return len(words) > 1
    if last == "key":
        return len(words) > 1 and words[-2] in KEY_QUALIFIERS
    return last.endswith("key") and last[:-3] in KEY_QUALIFIERS


def is_credential_value(value: str, name: str = "") -> bool:
    """Whether a literal in a credential slot is a credential, not a stand-in or reference."""
    if not value or len(value) > _MAX_LITERAL or any(c.isspace() for c in value):
        return False
    # Imported on first use: most files never put a literal in a credential slot, and the
    # secrets package costs a tenth of a second to import.
    from mlgate.credentials.allowlist import is_documentation_example, is_placeholder

    if is_placeholder(value) or is_documentation_example(value) or _names_something(value, name):
        return False
    return not _specific_matcher().find(value)


def _names_something(value: str, name: str) -> bool:
    """A reference, a mode word, or the name of a field, type or property."""
    if _REFERENCE.search(value) or _normal(value) == _normal(name):
        return True
    if value.lower() in SENTINEL_VALUES or _FIELD.fullmatch(value):
        return True
    if _TYPE.fullmatch(value):
        # ``V1SecretProjection``: an API model's versioned type name.
        return _last_word(value) in METADATA_WORDS or any(c.isdigit() for c in value)
    return _PROPERTY.fullmatch(value) is not None and is_credential_name(value)


def _last_word(name: str) -> str:
    words = [w for w in _WORD.findall(name) if not w.isdigit()]
    return words[-1].lower() if words else ""


def _normal(name: str) -> str:
    return name.lower().translate(_SEPARATORS)


@cache
def _specific_matcher() -> Matcher:
    """The secrets check's provider detectors (not its generic assignment rule)."""
    from mlgate.credentials.matcher import Matcher
    from mlgate.credentials.rules import DETECTORS

    return Matcher([d for d in DETECTORS if d.provider != "generic"])


@lru_cache(maxsize=4096)
def is_fixture_path(path: str) -> bool:
    """Test modules and fixtures: their credentials are made up for the test."""
    parts = path.lower().split("/")
    name = parts[-1]
    return (
        any(part in _TEST_DIRS for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name in {"conftest.py", "tests.py"}
    )


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
    return None


def _flag(frame: Frame, node: ast.AST, shown: str, value: str) -> None:
    from mlgate.credentials.redact import redact

    code = f"{shown}{redact(value)}"
    frame.flag(Weakness.HARDCODED_CREDENTIAL, node, CREDENTIAL_HINT, code=code)


def _checked(frame: Frame) -> bool:
    return not is_fixture_path(frame.module.path)


def _slot_name(target: ast.expr) -> str | None:
    """The name a value is stored under: ``x``, ``obj.x``, ``d["x"]``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def check_binding(target: ast.expr, value: ast.expr, frame: Frame) -> None:
    """``NAME = "literal"`` (or an attribute, item, or tuple unpacking of literals)."""
    if isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
        if len(target.elts) == len(value.elts):
            for element, item in zip(target.elts, value.elts, strict=True):
                check_binding(element, item, frame)
        return
    text = _literal(value)
    if text is None or not _checked(frame):
        return
    name = _slot_name(target)
    if name is not None and is_credential_name(name) and is_credential_value(text, name):
        _flag(frame, target, f"{frame.code(target)} = ", text)


def check_call(node: ast.Call, qualname: str | None, method: str | None, frame: Frame) -> None:
    """Credential keywords (``password="..."``), ``auth=(user, "...")`` and positional slots."""
    for keyword in node.keywords:
        name = keyword.arg
        if name is None:
            continue
        value = keyword.value
        if name == "auth" and isinstance(value, ast.Tuple) and len(value.elts) == 2:
            _check_slot(value.elts[1], f"auth=({frame.code(value.elts[0])}, ", frame)
        elif isinstance(value, ast.Constant) and is_credential_name(name):
            _check_slot(value, f"{name}=", frame, name)
    for position in frame.rules.credential_positions(qualname, method):
        before = node.args[: position + 1]
        if position < len(node.args) and not any(isinstance(a, ast.Starred) for a in before):
            callee = qualname or f".{method}"
            _check_slot(node.args[position], f"{callee}(#{position}=", frame)


def _check_slot(node: ast.expr, shown: str, frame: Frame, name: str = "") -> None:
    text = _literal(node)
    if text is not None and _checked(frame) and is_credential_value(text, name):
        _flag(frame, node, shown, text)


def check_dict(node: ast.Dict, frame: Frame) -> None:
    """``{"PASSWORD": "literal"}`` (Django ``DATABASES``, connection options)."""
    for key, value in zip(node.keys, node.values, strict=True):
        name = _literal(key)
        if name is not None and isinstance(value, ast.Constant) and is_credential_name(name):
            _check_slot(value, f'"{name}": ', frame, name)


def check_compare(node: ast.Compare, frame: Frame) -> None:
    """``if password == "literal"``: the literal is the expected password.

    Only passwords: a token compared with a word is a parser's lexical token or a mode
    switch (``if bearer_token == "auto"``).
    """
    if len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq | ast.NotEq):
        return
    for named, other in ((node.left, node.comparators[0]), (node.comparators[0], node.left)):
        name = _slot_name(named)
        if name is None or not isinstance(other, ast.Constant):
            continue
        if is_credential_name(name) and _last_word(name) in PASSWORD_NOUNS:
            _check_slot(other, f"{frame.code(named)} == ", frame, name)


def check_defaults(frame: Frame) -> None:
    """``def connect(user, password="literal")``: a default is used when none is passed."""
    for param in frame.function.params:
        if isinstance(param.default, ast.Constant) and is_credential_name(param.name):
            _check_slot(param.default, f"{param.name}=", frame, param.name)


def check_class_body(node: ast.ClassDef, frame: Frame) -> None:
    """Class attributes of settings classes (``class Config: SECRET_KEY = "..."``)."""
    for statement in node.body:
        if isinstance(statement, ast.ClassDef):
            check_class_body(statement, frame)
            continue
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for target in targets:
            check_binding(target, value, frame)
        for inner in ast.walk(value):
            if isinstance(inner, ast.Dict):
                check_dict(inner, frame)
            elif isinstance(inner, ast.Call):
                check_call(inner, None, None, frame)
