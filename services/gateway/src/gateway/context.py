"""What every request needs: settings, token verification, rate limits, backends, idempotency."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from gateway.auth import Principal, TokenVerifier, unauthenticated
from gateway.backends import Backends
from gateway.config import GatewaySettings
from gateway.idempotency import IdempotencyStore
from gateway.problems import ProblemError
from gateway.ratelimit import TokenBuckets


@dataclass
class GatewayContext:
    settings: GatewaySettings
    verifier: TokenVerifier
    backends: Backends
    idempotency: IdempotencyStore
    buckets: TokenBuckets

    failed_auth: TokenBuckets

    async def authorize(self, request: Request, roles: frozenset[str] | None) -> Principal | None:
        """Authenticate (when the route needs it), check the role, apply the rate limits.

        Failed authentications spend from a small per-client budget of their own: once it is
        gone, the client's tokens are not even verified (429) until it refills, so guessing or
        replaying tokens is slow, and a valid caller's own budget is never the one spent.
        """
        client = f"ip:{request.client.host if request.client else 'unknown'}"
        principal: Principal | None = None
        if roles is not None:
            blocked = self.failed_auth.wait(client)
            if blocked > 0:
                raise _rate_limited(blocked, "too many failed authentications from this client")
            try:
                principal = await self._authenticate(request)
            except ProblemError as exc:
                if exc.status == 401:
                    self.failed_auth.take(client)
                raise
            if principal.role not in roles:
                raise ProblemError(
                    403,
                    "forbidden",
                    "Not allowed for this role",
                    f"role {principal.role} may not do this",
                )
        wait = self.buckets.take(principal.subject if principal else client)
        if wait > 0:
            raise _rate_limited(wait)
        return principal

    async def _authenticate(self, request: Request) -> Principal:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("missing bearer token")
        return await self.verifier.verify(token.strip())


def _rate_limited(wait: float, detail: str = "") -> ProblemError:
    return ProblemError(
        429,
        "rate-limited",
        "Too many requests",
        detail,
        headers={"Retry-After": str(max(1, round(wait + 0.5)))},
    )
