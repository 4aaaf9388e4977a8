"""A REST client that behaves as a careful real client under faults: every POST carries an
`Idempotency-Key`, and a 5xx, a 429, a `request-in-progress` 409 or a broken connection is
retried with the same key (bounded by a deadline). A 409 after an attempt whose outcome was
unknown means the first attempt did happen (e.g. already shortlisted): that is success."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from tools.bench.api import Api, StepFailed

RETRY_SECONDS = 120.0


class PatientApi(Api):
    retries = 0

    async def call(
        self,
        method: str,
        template: str,
        headers: dict[str, str],
        json: Any = None,
        ok: int = 200,
        **ids: str,
    ) -> Any:
        if method == "POST":
            headers = headers | {"Idempotency-Key": uuid.uuid4().hex}
        deadline = time.monotonic() + RETRY_SECONDS
        uncertain = False
        while True:
            try:
                response = await super().request(method, template, headers, json, **ids)
            except httpx.TransportError as exc:
                response, uncertain = None, True
                problem = repr(exc)
            else:
                if response.status_code == ok:
                    return response.json() if response.content else None
                if response.status_code == 409 and uncertain and "in-progress" not in response.text:
                    return None  # the attempt we lost did happen
                transient = response.status_code >= 500 or response.status_code in (408, 429)
                transient |= response.status_code == 409 and "in-progress" in response.text
                if not transient:
                    raise StepFailed(
                        f"{method} {template}: {response.status_code} {response.text[:300]}"
                    )
                uncertain |= response.status_code >= 500
                problem = f"{response.status_code} {response.text[:200]}"
            PatientApi.retries += 1
            if time.monotonic() > deadline:
                raise StepFailed(f"{method} {template}: still failing: {problem}")
            await asyncio.sleep(0.5)

    async def request(
        self, method: str, template: str, headers: dict[str, str], json: Any = None, **ids: str
    ) -> httpx.Response:
        """For callers that read the status themselves (e.g. apply, where 404 means "not yet"):
        the same key on every attempt, transient answers and broken connections retried."""
        if method == "POST" and "Idempotency-Key" not in headers:
            headers = headers | {"Idempotency-Key": uuid.uuid4().hex}
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                response = await super().request(method, template, headers, json, **ids)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
            else:
                code = response.status_code
                transient = code >= 500 or code in (408, 429)
                transient |= code == 409 and "in-progress" in response.text
                if not transient or time.monotonic() > deadline:
                    return response
            PatientApi.retries += 1
            await asyncio.sleep(0.5)
