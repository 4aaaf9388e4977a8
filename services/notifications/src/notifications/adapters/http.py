"""Outgoing webhook requests with aiohttp, behind the SSRF guard.

The guard runs at connect time: a resolver that refuses a host when ANY of its addresses is
refused (a name that resolves to both a public and a private address must not be a way in),
plus the same check for IP literals, which aiohttp connects to without resolving. Redirects are
never followed, the whole exchange is bounded by a timeout and only the start of the response
body is read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from notifications.domain.addresses import refusal


class RefusedAddress(OSError):
    """The target resolves to an address webhooks may not reach."""


class GuardedResolver(AbstractResolver):
    def __init__(self, allow_loopback: bool) -> None:
        self._inner = DefaultResolver()
        self._allow_loopback = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            reason = refusal(result["host"], allow_loopback=self._allow_loopback)
            if reason:
                raise RefusedAddress(f"refused {host}: {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True)
class Response:
    """What one attempt produced; `status` 0 when no HTTP response came back."""

    status: int
    latency_ms: int
    body: str
    error: str = ""
    retry_after: str | None = None


class WebhookClient:
    """One shared session; `post` never raises for transport problems, it reports them."""

    def __init__(self, *, timeout: float, max_response_bytes: int, allow_loopback: bool) -> None:
        self._timeout = timeout
        self._max_bytes = max_response_bytes
        self._allow_loopback = allow_loopback
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:  # created lazily: it must belong to the running loop
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self._allow_loopback), use_dns_cache=False, limit=200
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                auto_decompress=False,
            )
        return self._session

    async def post(self, url: str, body: str, headers: dict[str, str]) -> Response:
        started = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        reason = self._literal_refusal(url)
        if reason:
            return Response(0, 0, "", f"refused: {reason}")
        try:
            async with self._client().post(
                url, data=body.encode(), headers=headers, allow_redirects=False
            ) as resp:
                raw = await resp.content.read(self._max_bytes)
                text = raw.decode("utf-8", errors="replace")
                return Response(resp.status, elapsed(), text, "", resp.headers.get("Retry-After"))
        except TimeoutError:
            return Response(0, elapsed(), "", f"timed out after {self._timeout:g}s")
        except aiohttp.ClientError as exc:
            return Response(0, elapsed(), "", _describe(exc))
        except RefusedAddress as exc:
            return Response(0, elapsed(), "", f"refused: {exc}")

    def _literal_refusal(self, url: str) -> str:
        host = urlsplit(url).hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return ""  # a name: the resolver checks what it resolves to
        return refusal(host, allow_loopback=self._allow_loopback)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            await asyncio.sleep(0)  # let the connector close its transports


def _describe(exc: BaseException) -> str:
    cause: Any = exc
    while cause is not None:
        if isinstance(cause, RefusedAddress):
            return f"refused: {cause}"
        cause = cause.__cause__ or getattr(cause, "os_error", None)
        if cause is exc:
            break
    return f"{type(exc).__name__}: {exc}"[:500]
