"""Dockerfile parsing into stages of instructions, each with the line it starts on.

Follows BuildKit's reader where it matters to rules: the ``# escape=`` parser
directive, line continuations (comment lines inside one are dropped), heredoc
bodies (``RUN <<EOF`` ... ``EOF``) that must not be read as instructions, and
``FROM [--platform=...] image [AS name]`` stages. Comment lines are kept with their
line (parser directives are not comments), because Conftest's Dockerfile input lists
them. Shared by the ``deploy`` rules and the ``rego`` check's Conftest-shaped input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_INSTRUCTION = re.compile(r"([A-Za-z]+)(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction: upper-case keyword, its arguments (continuations joined), line."""

    keyword: str
    arguments: str
    line: int


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment line outside any instruction: its text after ``#``, trimmed, and its line."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Stage:
    """A build stage: its ``FROM`` instruction and the instructions after it."""

    index: int
    image: str
    name: str | None
    line: int
    instructions: tuple[Instruction, ...]
    origin: Instruction | None = None  # the FROM instruction itself, flags included


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile: ``ARG`` lines before the first ``FROM``, then the stages."""

    global_args: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    comments: tuple[Comment, ...] = ()


def _escape_char(lines: list[str]) -> str:
    # Parser directives are only honoured at the very top, before any other line.
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            return match.group(2)
    return "\\"


def _heredoc_ends(text: str) -> list[tuple[str, bool]]:
    return [(m.group(3), m.group(1) == "-") for m in _HEREDOC.finditer(text)]


def _skip_heredocs(lines: list[str], index: int, ends: list[tuple[str, bool]]) -> int:
    """The index after the bodies of the heredocs an instruction opened."""
    for word, strip_tabs in ends:
        while index < len(lines):
            body = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if body.rstrip("\r") == word:
                break
    return index


def _header_end(lines: list[str]) -> int:
    """The index of the first line after the parser directives."""
    for index, line in enumerate(lines):
        if not _DIRECTIVE.match(line.strip()):
            return index
    return len(lines)


def _logical_lines(text: str, comments: list[Comment]) -> list[tuple[str, int]]:
    """Instructions as (joined text, first line), continuations and heredocs resolved.

    Comment lines between instructions are appended to ``comments``.
    """
    lines = text.splitlines()
    escape = _escape_char(lines)
    result: list[tuple[str, int]] = []
    index = _header_end(lines)
    while index < len(lines):
        start = index
        stripped = lines[index].strip()
        index += 1
        if stripped.startswith("#"):
            comments.append(Comment(stripped[1:].strip(), start + 1))
        if not stripped or stripped.startswith("#"):
            continue
        parts = [stripped]
        while parts[-1].endswith(escape) and index < len(lines):
            parts[-1] = parts[-1][:-1]
            following = lines[index].strip()
            index += 1
            if not following.startswith("#"):
                parts.append(following)
        joined = " ".join(part for part in parts if part)
        index = _skip_heredocs(lines, index, _heredoc_ends(joined))
        result.append((joined, start + 1))
    return result


def _stage(index: int, from_: Instruction, body: list[Instruction]) -> Stage:
    words = [w for w in from_.arguments.split() if not w.startswith("--")]
    image = words[0] if words else ""
    name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
    return Stage(
        index=index,
        image=image,
        name=name,
        line=from_.line,
        instructions=tuple(body),
        origin=from_,
    )


def parse_dockerfile(text: str) -> Dockerfile:
    """Parse Dockerfile text; lines that are not instructions are ignored, never fatal."""
    global_args: list[Instruction] = []
    stages: list[Stage] = []
    current: Instruction | None = None
    body: list[Instruction] = []
    comments: list[Comment] = []
    for joined, line in _logical_lines(text, comments):
        match = _INSTRUCTION.match(joined)
        if match is None:
            continue
        instruction = Instruction(match.group(1).upper(), (match.group(2) or "").strip(), line)
        if instruction.keyword == "FROM":
            if current is not None:
                stages.append(_stage(len(stages), current, body))
            current, body = instruction, []
        elif current is None:
            if instruction.keyword == "ARG":
                global_args.append(instruction)
        else:
            body.append(instruction)
    if current is not None:
        stages.append(_stage(len(stages), current, body))
    return Dockerfile(
        global_args=tuple(global_args), stages=tuple(stages), comments=tuple(comments)
    )
