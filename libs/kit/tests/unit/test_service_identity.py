"""The gateway-signed service identity token: what a service accepts, and everything it refuses."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from stint.kit.errors import Unauthenticated
from stint.kit.grpc import (
    IDENTITY_KEY,
    Caller,
    IdentityConfigError,
    IdentitySigner,
    IdentityVerifier,
    generate_key_pair,
)
from stint.kit.grpc.identity_keys import load_private_key

PRIVATE, PUBLIC = generate_key_pair()
OTHER_PRIVATE, OTHER_PUBLIC = generate_key_pair()
ALICE = Caller("usr_alice", "employer", "cmp_acme", "req-1")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _verify(metadata: Any, verifier: IdentityVerifier | None = None) -> Caller:
    return (verifier or IdentityVerifier(PUBLIC, "payouts")).caller(metadata, "req-1")


def test_a_token_signed_for_the_service_gives_the_caller() -> None:
    metadata = IdentitySigner(PRIVATE).metadata(ALICE, "payouts")
    assert _verify(metadata) == ALICE
    assert dict(metadata)["x-request-id"] == "req-1"


def test_the_anonymous_caller_is_vouched_for_too() -> None:
    metadata = IdentitySigner(PRIVATE).metadata(Caller.anonymous(), "postings")
    assert _verify(metadata, IdentityVerifier(PUBLIC, "postings")).is_anonymous


@pytest.mark.parametrize(
    "metadata",
    [
        [],
        [("x-stint-subject", "usr_1"), ("x-stint-role", "admin")],
        [("x-stint-org", "cmp_acme")],
        [(IDENTITY_KEY, b"binary")],
        [(IDENTITY_KEY, "x" * 5000)],
        [(IDENTITY_KEY, "not-a-jwt")],
    ],
)
def test_missing_bare_or_malformed_identity_is_refused(metadata: Any) -> None:
    with pytest.raises(Unauthenticated):
        _verify(metadata)


def test_bare_metadata_is_refused_even_beside_a_valid_token() -> None:
    metadata = [*IdentitySigner(PRIVATE).metadata(ALICE, "payouts"), ("x-stint-role", "admin")]
    with pytest.raises(Unauthenticated, match="x-stint-role"):
        _verify(metadata)


def test_two_tokens_are_refused() -> None:
    signer = IdentitySigner(PRIVATE)
    admin = Caller("usr_admin", "admin", "", "")
    metadata = [*signer.metadata(ALICE, "payouts"), *signer.metadata(admin, "payouts")]
    with pytest.raises(Unauthenticated):
        _verify(metadata)


def test_a_token_for_another_service_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        _verify(IdentitySigner(PRIVATE).metadata(ALICE, "postings"))


def test_a_token_from_another_key_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        _verify(IdentitySigner(OTHER_PRIVATE).metadata(ALICE, "payouts"))


def test_rotation_accepts_every_listed_key() -> None:
    verifier = IdentityVerifier(f"{PUBLIC}, {OTHER_PUBLIC}", "payouts")
    assert _verify(IdentitySigner(OTHER_PRIVATE).metadata(ALICE, "payouts"), verifier) == ALICE
    assert _verify(IdentitySigner(PRIVATE).metadata(ALICE, "payouts"), verifier) == ALICE


def test_an_expired_token_is_refused_even_after_it_was_cached() -> None:
    clock = Clock()
    signer = IdentitySigner(PRIVATE, clock=clock)
    verifier = IdentityVerifier(PUBLIC, "payouts", clock=clock)
    metadata = signer.metadata(ALICE, "payouts")
    assert _verify(metadata, verifier) == ALICE
    clock.now += 66  # 60 s lifetime + 5 s leeway, and the verified entry is still cached
    with pytest.raises(Unauthenticated, match="expired"):
        _verify(metadata, verifier)


def test_the_signer_reuses_a_token_for_half_its_lifetime() -> None:
    clock = Clock()
    signer = IdentitySigner(PRIVATE, clock=clock)
    first = signer.token(ALICE, "payouts")
    clock.now += 29
    assert signer.token(ALICE, "payouts") == first
    clock.now += 2
    assert signer.token(ALICE, "payouts") != first


def _forged(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    token = IdentitySigner(PRIVATE).token(ALICE, "payouts")
    head, _, signature = token.split(".")
    if header is not None:
        head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


def test_a_tampered_payload_is_refused() -> None:
    token = IdentitySigner(PRIVATE).token(ALICE, "payouts")
    claims = jwt.decode(token, options={"verify_signature": False})
    with pytest.raises(Unauthenticated):
        _verify([(IDENTITY_KEY, _forged(claims | {"role": "admin"}))])


def test_alg_none_and_hmac_with_the_public_key_are_refused() -> None:
    token = IdentitySigner(PRIVATE).token(ALICE, "payouts")
    claims = jwt.decode(token, options={"verify_signature": False}) | {"role": "admin"}
    kid = jwt.get_unverified_header(token)["kid"]
    unsigned = _forged(claims, {"alg": "none", "kid": kid}).rsplit(".", 1)[0] + "."
    hmac = jwt.encode(claims, PUBLIC, algorithm="HS256", headers={"kid": kid})
    for forged in (unsigned, hmac):
        with pytest.raises(Unauthenticated):
            _verify([(IDENTITY_KEY, forged)])


@pytest.mark.parametrize("bad", [["admin"], {"r": 1}, 7, "x\n", "u" * 201])
def test_malformed_identity_claims_are_refused_even_when_signed(bad: Any) -> None:
    key = load_private_key(PRIVATE)
    token = IdentitySigner(PRIVATE).token(ALICE, "payouts")
    claims = jwt.decode(token, options={"verify_signature": False}) | {"role": bad}
    header = jwt.get_unverified_header(token)
    forged = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": header["kid"]})
    with pytest.raises(Unauthenticated):
        _verify([(IDENTITY_KEY, forged)])


@pytest.mark.parametrize("keys", ["", " , ", "not base64 !", "c2hvcnQ"])
def test_missing_or_malformed_public_keys_stop_the_service(keys: str) -> None:
    with pytest.raises(IdentityConfigError):
        IdentityVerifier(keys, "payouts")


@pytest.mark.parametrize("key", ["", "c2hvcnQ"])
def test_missing_or_malformed_private_key_stops_the_gateway(key: str) -> None:
    with pytest.raises(IdentityConfigError):
        IdentitySigner(key)
