"""Outgoing webhook requests with aiohttp, behind the SSRF guard.

Before anything is opened the URL is parsed as the endpoint policy parses it (the host as
yarl/aiohttp will read it, so a Unicode spelling of an address is judged as that address);
then the connector of `adapters.guard` judges every resolved address and, at the socket, the
very address connected to. Redirects are never followed, the whole exchange is bounded by a
timeout and only the start of the response body is read. No proxy is used (`trust_env` is
off), so the peer is the target itself.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from aiohttp.abc import AbstractResolver

from notifications.adapters.guard import RefusedAddress, guarded_connector, noting_refusals
from notifications.domain.policy import target_problem
from notifications.domain.webhook_url import BadWebhookUrl, parse_webhook_url
from notifications.handlers.ports import Response


class WebhookClient:
    """One shared session; `post` (the `handlers.ports.Post` of delivery) never raises for
    transport problems, it reports them."""

    def __init__(
        self,
        *,
        timeout: float,
        max_response_bytes: int,
        allow_loopback: bool,
        resolver: AbstractResolver | None = None,  # tests answer DNS themselves
    ) -> None:
        self._timeout = timeout
        self._max_bytes = max_response_bytes
        self._allow_loopback = allow_loopback
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:  # created lazily: it must belong to the running loop
            connector = guarded_connector(
                allow_loopback=self._allow_loopback, resolver=self._resolver
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                auto_decompress=False,
                trust_env=False,
            )
        return self._session

    async def post(self, url: str, body: str, headers: dict[str, str]) -> Response:
        started = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            # Endpoints stored before the current rules are held to them here as well.
            target = parse_webhook_url(url)
        except BadWebhookUrl as exc:
            return Response(0, 0, "", f"refused: {exc}")
        reason = target_problem(target, allow_loopback=self._allow_loopback)
        if reason:
            return Response(0, 0, "", f"refused: {reason}")
        with noting_refusals() as refused:
            try:
                async with self._client().post(
                    target.url, data=body.encode(), headers=headers, allow_redirects=False
                ) as resp:
                    raw = await resp.content.read(self._max_bytes)
                    text = raw.decode("utf-8", errors="replace")
                    retry_after = resp.headers.get("Retry-After")
                    return Response(resp.status, elapsed(), text, "", retry_after)
            except TimeoutError:
                return Response(0, elapsed(), "", f"timed out after {self._timeout:g}s")
            except (aiohttp.ClientError, RefusedAddress) as exc:
                if refused:
                    return Response(0, elapsed(), "", f"refused: {refused[0]}")
                return Response(0, elapsed(), "", _describe(exc))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            await asyncio.sleep(0)  # let the connector close its transports


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
