"""Ed25519 JWS (compact serialization, RFC 7515 / RFC 8037) for experience records.

Signing uses the platform's private key; verification needs only the public JWKS, so anyone
can check a record offline. Verification is strict on purpose: every segment must be the
canonical unpadded base64url of its bytes, so that *any* edited character fails (lenient
decoders ignore stray characters and the spare bits of the last one, which would let an edited
record still verify).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from submissions.domain.record import Verification

ALG = "EdDSA"
TYP = "JWT"
MAX_JWS = 64 * 1024
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode_strict(text: str) -> bytes:
    """Decode unpadded base64url, refusing anything that is not its canonical encoding."""
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def public_jwk(public_key: Ed25519PublicKey, kid: str) -> dict[str, str]:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": kid, "use": "sig", "alg": ALG}


@dataclass
class KeyRing:
    """The signing key (with its kid) and every public key records may have been signed with
    (the current one plus retired ones kept for verification after a rotation)."""

    private_key: Ed25519PrivateKey
    kid: str
    retired: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_seed(cls, seed: bytes, kid: str, retired: Sequence[dict[str, str]] = ()) -> KeyRing:
        return cls(Ed25519PrivateKey.from_private_bytes(seed), kid, list(retired))

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        current = public_jwk(self.private_key.public_key(), self.kid)
        return {"keys": [current, *[k for k in self.retired if k.get("kid") != self.kid]]}

    def sign(self, payload: bytes) -> str:
        header = json.dumps({"alg": ALG, "kid": self.kid, "typ": TYP}, separators=(",", ":"))
        signing_input = f"{b64url(header.encode())}.{b64url(payload)}"
        signature = self.private_key.sign(signing_input.encode("ascii"))
        return f"{signing_input}.{b64url(signature)}"

    def verify(self, jws: str) -> Verification:
        """`verify` against this ring's own keys (current and retired)."""
        return verify(jws, self.jwks())


def verify(jws: str, jwks: dict[str, Any]) -> Verification:
    """Check a compact JWS against a JWKS; never raises for bad input."""
    parts = jws.split(".") if len(jws) <= MAX_JWS else []
    if len(parts) != 3:
        return Verification(False, "malformed")
    try:
        header = json.loads(b64url_decode_strict(parts[0]))
        payload = b64url_decode_strict(parts[1])
        signature = b64url_decode_strict(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return Verification(False, "malformed")
    if not isinstance(header, dict) or not isinstance(header.get("kid"), str):
        return Verification(False, "malformed")
    kid = header["kid"]
    if header.get("alg") != ALG or set(header) - {"alg", "kid", "typ"}:
        return Verification(False, "unsupported_algorithm", kid)
    key = _find_key(jwks, kid)
    if key is None:
        return Verification(False, "unknown_key", kid)
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        return Verification(False, "bad_signature", kid)
    try:
        claims = json.loads(payload)
    except ValueError:
        return Verification(False, "invalid_payload", kid)
    if not isinstance(claims, dict):
        return Verification(False, "invalid_payload", kid)
    return Verification(True, "ok", kid, claims)


def _find_key(jwks: dict[str, Any], kid: str) -> Ed25519PublicKey | None:
    for jwk in jwks.get("keys", ()):
        if jwk.get("kid") == kid and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            try:
                return Ed25519PublicKey.from_public_bytes(b64url_decode_strict(jwk["x"]))
            except (ValueError, KeyError):
                return None
    return None
