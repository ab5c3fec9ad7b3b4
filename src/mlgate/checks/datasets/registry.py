"""The registry of approved datasets: ``datasets.yaml`` or a directory of such files.

Each file holds ``datasets:``, a list of entries validated by :class:`ApprovedDataset`;
YAML is composed safely (no tags, no alias bombs, no duplicate keys) by the core policy
reader, and validation errors name the file and line of the offending entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
)

from mlgate.core.errors import PolicyError
from mlgate.core.policy.source import read_yaml

MAX_REGISTRY_FILES = 1000


class Pii(IntEnum):
    """How personal the data is; ordering says which is more sensitive."""

    NONE = 0
    PSEUDONYMOUS = 1
    PERSONAL = 2
    SENSITIVE = 3

    @property
    def label(self) -> str:
        """The lower-case name used in registry files."""
        return self.name.lower()


def _parse_pii(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Pii[value.strip().upper()]
        except KeyError:
            names = ", ".join(p.label for p in Pii)
            raise ValueError(f"unknown PII class {value!r}; expected one of {names}") from None
    return value


PiiClass = Annotated[
    Pii,
    BeforeValidator(_parse_pii),
    PlainSerializer(lambda p: p.label, return_type=str),
    WithJsonSchema({"type": "string", "enum": [p.label for p in Pii]}),
]


class ApprovedDataset(BaseModel):
    """One approved dataset: what it is, exactly which content, and for how long."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    location: str = Field(description="Path (relative to the registry file) or URI.")
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    license: str
    pii: PiiClass = Pii.NONE
    owner: str
    approved_from: date | None = None
    approved_until: date
    purposes: list[str] = Field(default_factory=lambda: ["training"])


@dataclass(frozen=True, slots=True, kw_only=True)
class Registered:
    """An approved dataset and the registry file that approves it."""

    dataset: ApprovedDataset
    source: str
    base: Path

    @property
    def is_local(self) -> bool:
        """Whether the location is a path rather than a URI (``s3://``, ``gs://``...)."""
        return "://" not in self.dataset.location

    @property
    def local_path(self) -> Path:
        """The location resolved against the registry file's directory."""
        return self.base / self.dataset.location


class _RegistryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    datasets: list[ApprovedDataset]


def _registry_files(path: Path, display: str) -> list[Path]:
    if not path.exists():
        raise PolicyError(
            "does not exist (add datasets with `mlgate datasets approve`)", path=display
        )
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.rglob("*.y*ml") if p.is_file() and not p.is_symlink())
    if len(files) > MAX_REGISTRY_FILES:
        raise PolicyError(f"more than {MAX_REGISTRY_FILES} registry files", path=display)
    return files


def _read_file(path: Path, display: str) -> list[Registered]:
    try:
        document = read_yaml(path, expected="`datasets:`")
    except PolicyError as error:
        # Reports show project-relative paths, never the machine's absolute ones.
        raise PolicyError(error.bare_message, path=display, line=error.line) from None
    try:
        datasets = _RegistryFile.model_validate(document.data).datasets
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        where = ".".join(str(part) for part in loc)
        raise PolicyError(
            f"{where}: {first['msg']}", path=display, line=document.line_of(loc)
        ) from None
    return [Registered(dataset=d, source=display, base=path.parent) for d in datasets]


def load_registry(path: Path, display: str) -> dict[str, Registered]:
    """Approved datasets by id; an id registered twice is an error."""
    approved: dict[str, Registered] = {}
    for file in _registry_files(path, display):
        shown = display if file == path else f"{display}/{file.relative_to(path).as_posix()}"
        for entry in _read_file(file, shown):
            if entry.dataset.id in approved:
                raise PolicyError(
                    f"dataset id {entry.dataset.id!r} is registered twice", path=shown
                )
            approved[entry.dataset.id] = entry
    return approved
