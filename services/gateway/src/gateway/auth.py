"""Bearer JWT authentication (design.md §10): HS256 with a shared secret in development,
RS256 against a JWKS URL in production. Exactly one algorithm family is accepted, so a token
cannot pick its own verification method (no algorithm confusion)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

from gateway.config import GatewaySettings
from gateway.problems import ProblemError

ROLES = frozenset({"student", "employer", "university", "admin"})
# Roles that act for an organisation must say which (company id, university id).
ORG_REQUIRED = frozenset({"employer", "university"})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as the services see it in gRPC metadata."""

    subject: str
    role: str
    org: str


def unauthenticated(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "unauthenticated",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="stint"'},
    )


class JwksCache:
    """Public keys from the identity provider's JWKS, refreshed on expiry or an unknown kid."""

    def __init__(self, url: str, ttl_seconds: int) -> None:
        self._url = url
        self._ttl = ttl_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0

    async def key(self, kid: str) -> jwt.PyJWK:
        stale = time.monotonic() - self._fetched_at > self._ttl
        # An unknown kid may be a rotation: refetch, but at most every 30 s.
        unknown = kid not in self._keys and time.monotonic() - self._fetched_at > 30
        if stale or unknown:
            await self._refresh()
        if kid not in self._keys:
            raise unauthenticated("token signed with an unknown key")
        return self._keys[kid]

    async def _refresh(self) -> None:
        timeout = aiohttp.ClientTimeout(total=5)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(self._url) as response,
        ):
            response.raise_for_status()
            document: dict[str, Any] = await response.json()
        self._keys = {k["kid"]: jwt.PyJWK(k) for k in document.get("keys", []) if "kid" in k}
        self._fetched_at = time.monotonic()


class TokenVerifier:
    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._jwks = (
            JwksCache(settings.jwt_jwks_url, settings.jwks_cache_seconds)
            if settings.jwt_jwks_url
            else None
        )
        if self._jwks is None and not settings.jwt_secret.get_secret_value():
            raise ValueError("set STINT_JWT_JWKS_URL (RS256) or STINT_JWT_SECRET (HS256)")

    async def verify(self, token: str) -> Principal:
        """The caller of a valid token; 401 problems for everything else."""
        try:
            header = jwt.get_unverified_header(token)
            if self._jwks is not None:
                key: Any = (await self._jwks.key(str(header.get("kid", "")))).key
                algorithms = ["RS256"]
            else:
                key = self._settings.jwt_secret.get_secret_value()
                algorithms = ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                leeway=self._settings.jwt_leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise unauthenticated("token expired") from exc
        except jwt.PyJWTError as exc:
            raise unauthenticated(f"invalid token: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise ProblemError(503, "auth-unavailable", "Cannot verify tokens right now") from exc
        return _principal(claims)


# What `sub` and `org` may hold: printable ASCII without spaces. They travel on to every
# service (and into logs), so a validly signed token with anything else is refused, not passed.
_CLAIM_VALUE = re.compile(r"[\x21-\x7e]{1,200}")


def _principal(claims: dict[str, Any]) -> Principal:
    role, subject, org = claims.get("role"), claims.get("sub"), claims.get("org") or ""
    if not isinstance(role, str) or role not in ROLES:
        raise unauthenticated("token has no valid role claim")
    if not isinstance(subject, str) or not _CLAIM_VALUE.fullmatch(subject):
        raise unauthenticated("malformed sub claim: 1 to 200 printable ASCII characters")
    if not isinstance(org, str) or (org and not _CLAIM_VALUE.fullmatch(org)):
        raise unauthenticated("malformed org claim: 1 to 200 printable ASCII characters")
    if role in ORG_REQUIRED and not org:
        raise unauthenticated(f"a {role} token needs an org claim")
    return Principal(subject=subject, role=role, org=org)


def issue_dev_token(
    secret: str,
    *,
    subject: str,
    role: str,
    org: str = "",
    ttl_seconds: int = 3600,
    issuer: str = "stint",
    audience: str = "stint-gateway",
) -> str:
    """An HS256 token for development and tests (`make token`)."""
    now = int(time.time())
    claims = {
        "sub": subject,
        "role": role,
        "org": org,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm="HS256")
