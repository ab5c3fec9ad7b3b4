"""An installed environment (virtualenv or ``site-packages``) read as pinned dependencies.

Only ``*.dist-info/METADATA`` files are parsed (by :mod:`importlib.metadata`); nothing
of the environment is imported or executed, and symlinked metadata is skipped.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from pathlib import Path

from mlgate.checks.deps.records import Dependency, ReadResult, normalize_name

Installed = tuple[Path, importlib.metadata.Distribution]


def site_packages(environment: Path) -> list[Path]:
    """The ``site-packages`` directories of a virtualenv, or the directory itself."""
    if not (environment / "pyvenv.cfg").is_file():
        return [environment]
    found = sorted(environment.glob("lib/python*/site-packages"))
    return found + [p for p in (environment / "Lib" / "site-packages",) if p.is_dir()]


def installed_distributions(environment: Path) -> list[Installed]:
    """Each ``*.dist-info`` directory of the environment with its parsed metadata."""
    return [
        (info, importlib.metadata.PathDistribution(info))
        for site in site_packages(environment)
        for info in sorted(site.glob("*.dist-info"))
        if info.is_dir() and not info.is_symlink()
    ]


def distribution_name(info: Path, dist: importlib.metadata.Distribution) -> str:
    """The PEP 503 name from metadata, else from the ``name-version.dist-info`` folder."""
    return normalize_name(dist.metadata["Name"] or info.name.split("-")[0])


def read_environment(environment: Path, *, display: Callable[[Path], str]) -> ReadResult:
    """Every installed distribution, pinned at its installed version."""
    dependencies = [
        Dependency(
            name=distribution_name(info, dist),
            version=dist.version,
            specifier=f"=={dist.version}",
            path=display(info / "METADATA"),
            line=None,
            source="environment",
        )
        for info, dist in installed_distributions(environment)
    ]
    return ReadResult(dependencies=tuple(dependencies), files=(display(environment),))
