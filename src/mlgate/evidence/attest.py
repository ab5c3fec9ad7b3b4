"""Attesting a verdict: subjects, policy and baseline digests, a statement, a DSSE signature."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from mlgate.core.check import CheckConfig
from mlgate.core.clock import Clock
from mlgate.core.digest import sha256_file
from mlgate.core.errors import UsageError
from mlgate.core.fs import iter_input_files
from mlgate.core.policy.load import Policy
from mlgate.core.verdict import Verdict
from mlgate.evidence.dsse import Envelope, sign
from mlgate.evidence.images import judged_images
from mlgate.evidence.keys import Signer
from mlgate.evidence.statement import PAYLOAD_TYPE, Resource, StatementInputs, verdict_statement
from mlgate.evidence.subjects import Subject, image_subject, subjects_of

# Hashing is cheap, but a statement naming a whole monorepo file by file helps no one.
MAX_SUBJECTS = 10_000


def resource(path: Path, base: Path) -> Resource:
    """A file as a resource: its path relative to ``base`` (when inside) and its digest."""
    try:
        uri = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        uri = path.as_posix()
    return Resource(uri=uri, sha256=sha256_file(path).sha256)


def check_inputs(policy: Policy, gates: Sequence[str] = ()) -> list[Path]:
    """The files the selected gates' checks were pointed at, as the checks select them."""
    files: dict[Path, None] = {}
    for plan in policy.select(gates):
        for check in plan.checks:
            config: CheckConfig = check.config
            selected = iter_input_files(policy.root, config.paths, config.exclude, config.include)
            files.update(dict.fromkeys(selected))
    return list(files)


def _subjects(
    policy: Policy, gates: Sequence[str], paths: Sequence[Path], images: Sequence[str]
) -> tuple[Subject, ...]:
    if paths or images:
        chosen = list(subjects_of(paths, base=policy.root)) + [image_subject(i) for i in images]
    else:
        chosen = [
            *subjects_of(check_inputs(policy, gates), base=policy.root),
            *judged_images(policy, gates),
        ]
    subjects = tuple(dict.fromkeys(chosen))
    if not subjects:
        raise UsageError(
            "nothing to attest: no subject files (name them with --subject or --subject-image)"
        )
    if len(subjects) > MAX_SUBJECTS:
        raise UsageError(
            f"{len(subjects)} subjects exceed the limit of {MAX_SUBJECTS}; "
            "name the artifacts to attest with --subject"
        )
    return subjects


def statement_payload(
    verdict: Verdict,
    policy: Policy,
    *,
    clock: Clock,
    gates: Sequence[str] = (),
    subjects: Sequence[Path] = (),
    images: Sequence[str] = (),
) -> bytes:
    """The in-toto statement of ``verdict`` as the bytes every signing scheme signs.

    Subjects are the named files and images, or by default the checks' input files
    and the images the ``images`` checks judged. The statement records the policy
    file's digest and, when one was used, the baseline's; time comes from ``clock``.
    """
    inputs = StatementInputs(
        subjects=_subjects(policy, gates, subjects, images),
        policy=resource(policy.source, policy.root),
        baseline=resource(Path(verdict.baseline), policy.root) if verdict.baseline else None,
        time_verified=clock.now(),
    )
    # ASCII JSON: a lone surrogate in a waiver reason cannot break the UTF-8 payload.
    return json.dumps(verdict_statement(verdict, inputs)).encode("utf-8")


def attest(  # noqa: PLR0913  # each keyword is one part of what is attested
    verdict: Verdict,
    policy: Policy,
    *,
    signer: Signer,
    clock: Clock,
    gates: Sequence[str] = (),
    subjects: Sequence[Path] = (),
    images: Sequence[str] = (),
) -> Envelope:
    """Sign an in-toto statement of ``verdict`` (see :func:`statement_payload`) with a key.

    A blocked verdict is attested too (as ``FAILED``): the evidence of what was judged
    matters as much as a pass.
    """
    payload = statement_payload(
        verdict, policy, clock=clock, gates=gates, subjects=subjects, images=images
    )
    return sign(PAYLOAD_TYPE, payload, signer)
