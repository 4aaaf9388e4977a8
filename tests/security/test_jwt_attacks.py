"""Bearer-token attacks against the live gateway: forged, confused, expired, malformed and
oddly typed tokens. Each must be a 401 problem: 0 accepted, 0 5xx."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..e2e.conftest import DEV_SECRET
from .conftest import Tally

ROUTE = "/v1/me/applications"  # any authenticated route


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "usr_att", "role": "student", "org": "", "iss": "stint"}
    base |= {"aud": "stint-gateway", "iat": now, "exp": now + 600}
    return {k: v for k, v in (base | overrides).items() if v is not None}


def _hs(claims: dict[str, Any], secret: str = DEV_SECRET, **headers: Any) -> str:
    return jwt.encode(claims, secret, algorithm="HS256", headers=headers or None)


def _rsa_token(claims: dict[str, Any]) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "attacker"})


def _public_pem_as_secret(claims: dict[str, Any]) -> str:
    # Algorithm confusion: an RS256 public key used as an HS256 secret.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _hmac_signed(pem, claims)


def _hmac_signed(secret: bytes, claims: dict[str, Any], **extra: str) -> str:
    """HS256 by hand: PyJWT refuses the keys attackers like (empty, PEM public keys)."""
    header = _b64({"alg": "HS256", "typ": "JWT", **extra})
    body = _b64(claims)
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"


def _signature(claims: dict[str, Any]) -> str:
    return _hs(claims).rsplit(".", 1)[1]


def _tampered() -> str:
    head, _, signature = _hs(_claims()).split(".")
    return f"{head}.{_b64(_claims(role='admin'))}.{signature}"


def _attacks() -> list[tuple[str, str]]:
    good = _hs(_claims())
    return [
        ("alg none", f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(role='admin'))}."),
        ("alg None", f"{_b64({'alg': 'None'})}.{_b64(_claims(role='admin'))}."),
        ("wrong HS256 secret", _hs(_claims(role="admin"), "not-the-secret-" * 3)),
        ("empty HS256 secret", _hmac_signed(b"", _claims(role="admin"))),
        ("RS256 from an attacker key", _rsa_token(_claims(role="admin"))),
        ("public key as HMAC secret", _public_pem_as_secret(_claims(role="admin"))),
        ("payload swapped, signature kept", _tampered()),
        ("signature stripped", good.rsplit(".", 1)[0] + "."),
        (
            "signature of another token",
            good.rsplit(".", 1)[0] + "." + _hs(_claims(sub="x")).rsplit(".", 1)[1],
        ),
        ("expired", _hs(_claims(exp=int(time.time()) - 3600))),
        ("issued in the future, not yet valid", _hs(_claims(nbf=int(time.time()) + 3600))),
        ("no exp", _hs(_claims(exp=None))),
        ("exp as a string", _hs(_claims(exp="never"))),
        ("wrong issuer", _hs(_claims(iss="evil"))),
        ("wrong audience", _hs(_claims(aud="other-service"))),
        ("no audience", _hs(_claims(aud=None))),
        ("no sub", _hs(_claims(sub=None))),
        ("empty sub", _hs(_claims(sub=""))),
        ("sub a list", _hs(_claims(sub=["usr_1"]))),
        ("sub non-ASCII", _hs(_claims(sub="usér"))),
        ("sub with a newline", _hs(_claims(sub="usr\nrole: admin"))),
        ("sub with a NUL", _hs(_claims(sub="usr\x00"))),
        ("sub 10 kB", _hs(_claims(sub="u" * 10_000))),
        ("role a list", _hs(_claims(role=["admin"]))),
        ("role a dict", _hs(_claims(role={"admin": True}))),
        ("role a number", _hs(_claims(role=1))),
        ("role null", _hs(_claims(role=None))),
        ("role unknown", _hs(_claims(role="superadmin"))),
        ("role in another case", _hs(_claims(role="Admin"))),
        ("employer without org", _hs(_claims(role="employer"))),
        ("org a dict", _hs(_claims(role="employer", org={"id": "cmp_1"}))),
        ("org with bidi override", _hs(_claims(role="employer", org="cmp\u202e1"))),
        ("org non-ASCII", _hs(_claims(role="employer", org="cmp_ä"))),
        # /dev/null as the key file would make the key empty: signed with an empty key.
        ("kid path traversal", _hmac_signed(b"", _claims(role="admin"), kid="../../dev/null")),
        ("jku injection", _hs(_claims(role="admin"), "x" * 32, jku="http://127.0.0.1:1/jwks")),
        ("five segments (JWE shape)", "a.b.c.d.e"),
        ("garbage", "not-a-token"),
        ("base64 garbage", "%%%.%%%.%%%"),
        ("header not JSON", f"{_b64(b'not json')}.{_b64(_claims())}.sig"),
        ("huge token", "A" * 60_000),
    ]


SCHEMES = [
    ("Basic credentials", lambda t: f"Basic {base64.b64encode(b'admin:admin').decode()}"),
    ("empty bearer", lambda t: "Bearer"),
    ("bearer, no space", lambda t: f"Bearer{t}"),
    ("two tokens", lambda t: f"Bearer {t} {t}"),
]


async def test_no_forged_or_malformed_token_is_accepted(
    api: httpx.AsyncClient, tally: Tally
) -> None:
    cases = [(name, f"Bearer {token}") for name, token in _attacks()]
    cases += [(name, make(_hs(_claims()))) for name, make in SCHEMES]
    cases.append(("lower-case scheme, valid token: control", f"bearer {_hs(_claims())}"))
    wrong = []
    for name, header in cases:
        response = await api.get(ROUTE, headers={"Authorization": header})
        control = name.endswith("control")
        accepted = response.status_code < 400
        if not control:
            tally.record("JWT attacks", accepted=accepted, server_error=response.status_code >= 500)
        expected = 200 if control else 401
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code} {response.text[:200]}")
        elif not control:
            assert response.headers["content-type"] == "application/problem+json"
    assert not wrong, "\n".join(wrong)
    assert len(cases) >= 40
