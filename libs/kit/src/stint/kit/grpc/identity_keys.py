"""The service-identity keys (`stint.kit.grpc.service_identity`): raw 32-byte Ed25519 keys in
unpadded base64url, so they fit an environment variable or a Kubernetes Secret."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class IdentityConfigError(ValueError):
    """The identity keys in settings are missing or malformed (raised at startup)."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key (the token's ``kid`` header)."""
    return hashlib.sha256(_public_raw(key)).hexdigest()[:16]


def load_private_key(text: str) -> Ed25519PrivateKey:
    if not text.strip():
        raise IdentityConfigError(
            "STINT_IDENTITY_PRIVATE_KEY is empty: the gateway signs every backend call with it "
            "(`python -m stint.kit.grpc.service_identity` makes a pair)"
        )
    try:
        raw = _b64decode(text.strip())
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise IdentityConfigError("identity private key: not a base64url Ed25519 key") from exc


def load_public_keys(text: str) -> dict[str, Ed25519PublicKey]:
    """Comma-separated public keys, by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    for part in filter(None, (item.strip() for item in text.split(","))):
        try:
            key = Ed25519PublicKey.from_public_bytes(_b64decode(part))
        except ValueError as exc:
            raise IdentityConfigError("identity public keys: not base64url Ed25519 keys") from exc
        keys[key_id(key)] = key
    if not keys:
        raise IdentityConfigError(
            "STINT_IDENTITY_PUBLIC_KEYS is empty: a service refuses every call without the "
            "gateway's public key (`python -m stint.kit.grpc.service_identity` makes a pair)"
        )
    return keys


def generate_key_pair() -> tuple[str, str]:
    """A fresh (private, public) pair in the settings' format."""
    private = Ed25519PrivateKey.generate()
    return _b64encode(private.private_bytes_raw()), _b64encode(_public_raw(private.public_key()))
