"""Suite-wide guards: no test may open a network connection (local Unix sockets are fine)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


class NetworkAccessError(AssertionError):
    """Raised when a test tries to reach the network."""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        # multiprocessing's forkserver talks over a Unix socket: that is not the network.
        if self.family == socket.AF_UNIX:
            return original_connect(self, address)
        raise NetworkAccessError(f"tests must not use the network: {address!r}")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise NetworkAccessError(f"tests must not use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
