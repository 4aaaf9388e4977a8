"""A timed REST client: every request's latency is recorded under its route template
(``POST /v1/postings/{posting_id}/publish``), never the concrete URL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from gateway.auth import issue_dev_token
from tools.bench.stack import DEV_SECRET
from tools.bench.stats import Samples


def backoff(first: float = 0.05, factor: float = 1.5, cap: float = 0.4) -> Iterator[float]:
    """Waits between polls: quick at first, then spaced out, so that many lifecycles waiting at
    once do not turn their polling into most of the load being measured."""
    wait = first
    while True:
        yield wait
        wait = min(cap, wait * factor)


class StepFailed(Exception):
    """A lifecycle step answered something else than expected."""


def bearer(role: str, subject: str, org: str = "") -> dict[str, str]:
    token = issue_dev_token(DEV_SECRET, subject=subject, role=role, org=org, ttl_seconds=7200)
    return {"Authorization": f"Bearer {token}"}


class Api:
    def __init__(self, client: httpx.AsyncClient, samples: Samples) -> None:
        self._client = client
        self.samples = samples

    async def call(
        self,
        method: str,
        template: str,
        headers: dict[str, str],
        json: Any = None,
        ok: int = 200,
        **ids: str,
    ) -> Any:
        """The JSON body of a response with status `ok`; anything else raises StepFailed."""
        response = await self.request(method, template, headers, json, **ids)
        if response.status_code != ok:
            raise StepFailed(f"{method} {template}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    async def request(
        self, method: str, template: str, headers: dict[str, str], json: Any = None, **ids: str
    ) -> httpx.Response:
        url = template.format(**ids)
        started = time.perf_counter()
        response = await self._client.request(method, url, headers=headers, json=json)
        self.samples.add(
            f"{method} {template}", time.perf_counter() - started, response.status_code
        )
        return response
