"""Dockerfile rules: final-stage user and health check, ADD, base image pinning, secrets.

Only the final stage ships, so user and health check are judged there, following
``FROM <earlier stage>`` chains (``FROM ${BASE}`` resolved through global ARGs): a
stage built on another inherits its USER, HEALTHCHECK and ENV. Variables are expanded
from ARG defaults and ENV values, inherited ones included, when they can be; a value
that stays unknown is never reported as root. Findings point at the line that set
the value, in whichever stage wrote it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.checks.deploy.catalog import (
    DKR_ADD,
    DKR_DIGEST,
    DKR_HEALTHCHECK,
    DKR_LATEST,
    DKR_NO_USER,
    DKR_ROOT,
    DKR_SECRET,
)
from mlgate.checks.deploy.findings import deploy_finding
from mlgate.checks.deploy.images import parse_image
from mlgate.core.finding import Finding, location_line
from mlgate.formats.dockerfile import Dockerfile, Instruction, Stage

_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?[^}]*\}|\$(\w+)")
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pword", "secret", "token", "apikey", "credential", "credentials"}
)
_SECRET_PAIRS = ("api_key", "access_key", "private_key", "secret_key", "auth_key")
# Names that point at a secret rather than hold one.
_REFERENCE_SUFFIXES = ("_file", "_path", "_dir", "_url", "_name", "_id_file")
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")
_ROOT_USERS = frozenset({"root", "0"})


@dataclass(frozen=True, slots=True)
class _Setting:
    """The USER or HEALTHCHECK in force for a stage, and where it was written."""

    value: str
    line: int


def expand(text: str, variables: dict[str, str]) -> str:
    """Substitute ``$VAR``, ``${VAR}`` and ``${VAR:-default}``; unknown ones stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        return match.group(2) if match.group(2) is not None else match.group(0)

    return _VARIABLE.sub(replace, text)


def _words(arguments: str) -> list[str]:
    try:
        return shlex.split(arguments, posix=True)
    except ValueError:  # unbalanced quotes: BuildKit would refuse, we read what we can
        return arguments.split()


def _assignments(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``KEY=value`` pairs of ENV/ARG, including the legacy ``ENV KEY value`` form."""
    words = _words(instruction.arguments)
    if instruction.keyword == "ENV" and words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        key, sep, value = word.partition("=")
        pairs.append((key, value if sep else None))
    return pairs


def _global_defaults(dockerfile: Dockerfile) -> dict[str, str]:
    return {k: v for i in dockerfile.global_args for k, v in _assignments(i) if v is not None}


def _stage_variables(dockerfile: Dockerfile, stage: Stage, upto: int) -> dict[str, str]:
    """Variables in force at line ``upto`` of ``stage``.

    A stage built ``FROM`` an earlier stage starts with that stage's ENV (the image
    config carries it); ARG values do not cross stages, but an ARG redeclared without a
    value takes the global default.
    """
    defaults = _global_defaults(dockerfile)
    parent = _parent(dockerfile, stage)
    variables = _environment(dockerfile, parent) if parent is not None else {}
    for instruction in stage.instructions:
        if instruction.line >= upto:
            break
        if instruction.keyword in ("ARG", "ENV"):
            for key, value in _assignments(instruction):
                inherited = defaults.get(key) if instruction.keyword == "ARG" else None
                chosen = value if value is not None else inherited
                if chosen is not None:
                    variables[key] = expand(chosen, variables)
    return variables


def _environment(dockerfile: Dockerfile, stage: Stage) -> dict[str, str]:
    """The ENV a stage's image ends with (its parents' included), for a child stage."""
    variables = _stage_variables(dockerfile, stage, upto=10**12)
    names = {k for i in _chain(dockerfile, stage) for k, _ in _env_assignments(i)}
    return {k: v for k, v in variables.items() if k in names}


def _chain(dockerfile: Dockerfile, stage: Stage) -> Iterator[Instruction]:
    current: Stage | None = stage
    while current is not None:
        yield from current.instructions
        current = _parent(dockerfile, current)


def _env_assignments(instruction: Instruction) -> list[tuple[str, str | None]]:
    return _assignments(instruction) if instruction.keyword == "ENV" else []


def _last(stage: Stage, keyword: str) -> Instruction | None:
    return next((i for i in reversed(stage.instructions) if i.keyword == keyword), None)


def _parent(dockerfile: Dockerfile, stage: Stage) -> Stage | None:
    """The earlier stage ``stage`` is built on (``FROM build``, ``FROM ${BASE}``), if any."""
    name = expand(stage.image, _global_defaults(dockerfile)).lower()
    earlier = (s for s in reversed(dockerfile.stages[: stage.index]) if s.name == name)
    return next(earlier, None)


def _setting(dockerfile: Dockerfile, stage: Stage, keyword: str) -> _Setting | None:
    """The value of the last ``keyword`` in the stage or, failing that, its parent chain."""
    current: Stage | None = stage
    while current is not None:
        instruction = _last(current, keyword)
        if instruction is not None:
            variables = _stage_variables(dockerfile, current, instruction.line)
            return _Setting(expand(instruction.arguments, variables), instruction.line)
        current = _parent(dockerfile, current)
    return None


def _user_findings(path: str, dockerfile: Dockerfile, final: Stage) -> Iterator[Finding]:
    user = _setting(dockerfile, final, "USER")
    if user is None:
        yield deploy_finding(
            DKR_NO_USER,
            (path, final.line),
            identity=f"stage {final.index} user",
            message=f"The final stage (FROM {final.image}) never sets USER: the container "
            "runs as the base image's user, root for most images.",
        )
    elif user.value.split(":", 1)[0].strip() in _ROOT_USERS:
        yield deploy_finding(
            DKR_ROOT,
            (path, user.line),
            identity=f"user {user.value}",
            message=f"The final stage runs as root (`USER {user.value}`).",
        )


def _healthcheck_findings(path: str, dockerfile: Dockerfile, final: Stage) -> Iterator[Finding]:
    check = _setting(dockerfile, final, "HEALTHCHECK")
    if check is None or check.value.strip().upper() == "NONE":
        yield deploy_finding(
            DKR_HEALTHCHECK,
            (path, final.line),
            identity="healthcheck",
            message="The final stage has no HEALTHCHECK, so a hung server looks healthy.",
        )


def _add_findings(path: str, stage: Stage) -> Iterator[Finding]:
    for instruction in stage.instructions:
        if instruction.keyword != "ADD":
            continue
        words = [w for w in _words(instruction.arguments) if not w.startswith("--")]
        sources = words[:-1]
        has_checksum = "--checksum=" in instruction.arguments
        remote = [s for s in sources if "://" in s or s.startswith("git@")]
        local = [s for s in sources if s not in remote and not s.lower().endswith(_ARCHIVES)]
        if local or (remote and not has_checksum):
            what = "downloads without --checksum" if remote and not local else "copies files"
            yield deploy_finding(
                DKR_ADD,
                (path, instruction.line),
                identity=f"ADD {instruction.arguments}",
                message=f"ADD {what} (`ADD {instruction.arguments}`); use COPY.",
            )


def _from_findings(
    path: str, dockerfile: Dockerfile, stage: Stage, *, require_digest: bool
) -> Iterator[Finding]:
    image = expand(stage.image, _global_defaults(dockerfile))
    is_stage = _parent(dockerfile, stage) is not None
    if is_stage or image.lower() == "scratch" or "$" in image or not image:
        return
    reference = parse_image(image)
    if reference.is_latest_or_untagged:
        yield deploy_finding(
            DKR_LATEST,
            (path, stage.line),
            identity=f"FROM {image}",
            message=f"`FROM {image}` floats ({reference.tag or 'no tag'}): pin a version.",
        )
    if require_digest and reference.digest is None:
        yield deploy_finding(
            DKR_DIGEST,
            (path, stage.line),
            identity=f"FROM {image} digest",
            message=f"`FROM {image}` is not pinned by digest.",
        )


def is_secret_name(name: str) -> bool:
    """Whether an ENV/ARG name says it holds a secret (and not a path or URL to one)."""
    lowered = name.lower()
    if "public" in lowered or lowered.endswith(_REFERENCE_SUFFIXES):
        return False
    parts = set(re.split(r"[_\-.]", lowered))
    return bool(parts & _SECRET_WORDS) or any(pair in lowered for pair in _SECRET_PAIRS)


def _secret_findings(path: str, instructions: tuple[Instruction, ...]) -> Iterator[Finding]:
    for instruction in instructions:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        for key, value in _assignments(instruction):
            # An ENV with an empty value holds nothing; an ARG's value arrives at build time.
            if not is_secret_name(key) or (instruction.keyword == "ENV" and not value):
                continue
            yield deploy_finding(
                DKR_SECRET,
                (path, instruction.line),
                identity=f"{instruction.keyword} {key}",
                message=f"`{instruction.keyword} {key}` puts a secret into the image "
                "metadata and history.",
                evidence=f"{instruction.keyword} {key}=<redacted>",
            )


def dockerfile_findings(
    path: str, dockerfile: Dockerfile, *, require_digest: bool
) -> list[Finding]:
    """Every Dockerfile rule over one parsed file."""
    if not dockerfile.stages:
        return []
    final = dockerfile.stages[-1]
    findings = [*_user_findings(path, dockerfile, final)]
    findings.extend(_healthcheck_findings(path, dockerfile, final))
    findings.extend(_secret_findings(path, dockerfile.global_args))
    for stage in dockerfile.stages:
        findings.extend(_from_findings(path, dockerfile, stage, require_digest=require_digest))
        findings.extend(_add_findings(path, stage))
        findings.extend(_secret_findings(path, stage.instructions))
    return sorted(findings, key=lambda f: (location_line(f.location) or 0, f.rule_id))
