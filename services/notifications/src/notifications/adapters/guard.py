"""The connect-time SSRF guard: an aiohttp connector that only opens sockets to allowed peers.

Two layers, both judging IP addresses with `domain.addresses.refusal`:

- `GuardedResolver` refuses a name when ANY address it resolves to is refused, so a name
  with one public and one private address is no way in (and the refusal names the host).
- `AddressGate`, the connector's socket factory, is the last word: aiohappyeyeballs calls it
  with the exact socket address it is about to connect() to, for names and IP literals
  alike (aiohttp connects to literals without resolving). Nothing is sent before it
  passed, and a TCP socket connected to an address has that address as its peer.

Refusals are also noted in a context variable, because aiohappyeyeballs folds the errors of
several addresses into one plain OSError and the reason would otherwise be lost.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from notifications.domain.addresses import refusal

# (family, type, proto, canonname, sockaddr), as getaddrinfo returns it.
AddrInfo = tuple[int, int, int, str, tuple[Any, ...]]

_noted: ContextVar[list[str] | None] = ContextVar("refused_addresses", default=None)


class RefusedAddress(OSError):
    """The target is, or resolves to, an address webhooks may not reach."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EACCES, reason)
        self.reason = reason
        noted = _noted.get()
        if noted is not None:
            noted.append(reason)

    def __str__(self) -> str:
        return self.reason


@contextmanager
def noting_refusals() -> Iterator[list[str]]:
    """Collect the refusals raised while the block runs (in its tasks, too)."""
    noted: list[str] = []
    token = _noted.set(noted)
    try:
        yield noted
    finally:
        _noted.reset(token)


class GuardedResolver(AbstractResolver):
    def __init__(self, allow_loopback: bool, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()
        self._allow_loopback = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            reason = refusal(result["host"], allow_loopback=self._allow_loopback)
            if reason:
                raise RefusedAddress(f"{host}: {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()


class AddressGate:
    """A socket factory that refuses to create a socket for a refused peer address."""

    def __init__(self, allow_loopback: bool) -> None:
        self._allow_loopback = allow_loopback

    def __call__(self, addr_info: AddrInfo) -> socket.socket:
        family, kind, proto, _, sockaddr = addr_info
        reason = refusal(str(sockaddr[0]), allow_loopback=self._allow_loopback)
        if reason:
            raise RefusedAddress(reason)
        return socket.socket(family, kind, proto)


def guarded_connector(
    *, allow_loopback: bool, resolver: AbstractResolver | None = None, limit: int = 200
) -> aiohttp.TCPConnector:
    """A connector that reaches only allowed addresses. No DNS cache: every connection
    resolves afresh, and what it resolves to is what is judged and connected to."""
    return aiohttp.TCPConnector(
        resolver=GuardedResolver(allow_loopback, resolver),
        socket_factory=AddressGate(allow_loopback),
        use_dns_cache=False,
        limit=limit,
    )
