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

    async def authorize(self, request: Request, roles: frozenset[str] | None) -> Principal | None:
        """Authenticate (when the route needs it), check the role, apply the rate limit."""
        principal: Principal | None = None
        if roles is not None:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise unauthenticated("missing bearer token")
            principal = await self.verifier.verify(token.strip())
            if principal.role not in roles:
                raise ProblemError(
                    403,
                    "forbidden",
                    "Not allowed for this role",
                    f"role {principal.role} may not do this",
                )
        client = request.client.host if request.client else "unknown"
        wait = self.buckets.take(principal.subject if principal else f"ip:{client}")
        if wait > 0:
            raise ProblemError(
                429,
                "rate-limited",
                "Too many requests",
                headers={"Retry-After": str(max(1, round(wait + 0.5)))},
            )
        return principal
