"""Jinja constructs in a template that reach Python internals (chat-template injection).

Runtimes render a GGUF or tokenizer chat template with Jinja; an unsandboxed one (and
sandboxes with known escapes) lets ``{{ x.__class__.__mro__[1].__subclasses__() }}``
or ``{{ cycler.__init__.__globals__.os.popen(...) }}`` run code. This module lists such
constructs without rendering anything: dunder names (even spelled inside string
literals, as ``attr('__globals__')`` does), the ``attr`` filter, the Jinja globals
whose ``__init__`` leads to module globals, and module or call names that no chat
template needs. Benign templates use loops, ``namespace()`` and string tests only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Reach", "find_reaches"]

_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_DUNDER = re.compile(r"__[A-Za-z]\w*__|_TemplateReference__context")
_ATTR_FILTER = re.compile(r"\|\s*attr\b")
# Built-in Jinja globals with a Python ``__init__`` (a path to module globals), module
# names, and callables that execute or import; matched outside string literals only.
_NAMES = re.compile(
    r"\b(?:lipsum|cycler|joiner|self|os|sys|subprocess|builtins|importlib|import|"
    r"popen|eval|exec|getattr|globals|mro|subclasses|request|config|url_for)\b"
)
_HEX_ESCAPE = re.compile(r"\\x5f|\\u005f|\\137")  # "_" spelled to dodge a dunder search


@dataclass(frozen=True, slots=True)
class Reach:
    """One construct and where it starts in the template."""

    construct: str
    offset: int


def find_reaches(template: str) -> list[Reach]:
    """Every construct in ``template``'s Jinja blocks that reaches Python internals."""
    reaches: list[Reach] = []
    for block in _BLOCK.finditer(template):
        text, base = block.group(), block.start()
        for pattern in (_DUNDER, _ATTR_FILTER, _HEX_ESCAPE):
            reaches.extend(Reach(m.group(), base + m.start()) for m in pattern.finditer(text))
        # String literals are blanked (same length) so offsets stay true and words in
        # messages ("import your data") are not mistaken for code.
        code = _STRING.sub(lambda m: " " * len(m.group()), text)
        reaches.extend(Reach(m.group(), base + m.start()) for m in _NAMES.finditer(code))
    return sorted(reaches, key=lambda r: r.offset)
