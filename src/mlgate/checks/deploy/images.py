"""Container image references: ``[registry[:port]/]repository[:tag][@digest]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference; ``tag`` and ``digest`` are ``None`` when absent."""

    repository: str
    tag: str | None
    digest: str | None

    @property
    def is_latest_or_untagged(self) -> bool:
        """Whether the reference floats: ``:latest``, or neither tag nor digest."""
        return self.tag == "latest" or (self.tag is None and self.digest is None)


def parse_image(reference: str) -> ImageRef:
    """Split a reference; a ``:`` in the registry part (a port) is not a tag."""
    name, _, digest = reference.strip().partition("@")
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        return ImageRef(name[:colon], name[colon + 1 :] or None, digest or None)
    return ImageRef(name, None, digest or None)
