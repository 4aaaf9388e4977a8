"""Direct gRPC calls to every service port, around the gateway (issue 14, item 4): every method
of every service, with each kind of forged identity, answers UNAUTHENTICATED; only a token the
gateway's key signed for that very service is accepted. Reflection is off."""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

import grpc
import jwt
import pytest
from google.protobuf import message_factory
from grpc_reflection.v1alpha import reflection_pb2_grpc

from stint.kit.grpc import Caller, IdentitySigner, generate_key_pair
from stint.kit.grpc.identity_keys import key_id, load_private_key
from stint.kit.grpc.service_identity import ISSUER

from ..e2e.conftest import Platform
from .conftest import Tally, offset_of

PORTS = {
    "postings": 50051,
    "applications": 50052,
    "submissions": 50053,
    "payouts": 50054,
    "notifications": 50055,
    "outcomes": 50056,
}
ADMIN = Caller("usr_forger", "admin", "", "req-forged")
STUDENT = Caller("usr_s", "student", "", "")


def _platform_key(platform: Platform) -> str:
    """The gateway's private key, as a leak of it would give an attacker *a* token."""
    env = Path(platform.env["STINT_STATE"]) / "identity.env"
    values = dict(line.split("=", 1) for line in env.read_text().split())
    return values["STINT_IDENTITY_PRIVATE_KEY"]


def _methods(service: str) -> list[tuple[str, Any]]:
    module = importlib.import_module(f"stint.{service}.v1.{service}_service_pb2")
    (descriptor,) = module.DESCRIPTOR.services_by_name.values()
    return [
        (f"/{descriptor.full_name}/{m.name}", message_factory.GetMessageClass(m.input_type))
        for m in descriptor.methods
    ]


def _expired(private_key: str, audience: str) -> str:
    key = load_private_key(private_key)
    now = int(time.time()) - 3600
    claims = {"iss": ISSUER, "aud": audience, "sub": "usr_forger", "role": "admin", "org": ""}
    claims |= {"iat": now, "exp": now + 60}
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": key_id(key.public_key())})


def _forgeries(service: str, real_key: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    attacker = IdentitySigner(generate_key_pair()[0])
    real = IdentitySigner(real_key)
    other = "postings" if service != "postings" else "payouts"
    return [
        ("no identity", ()),
        (
            "bare x-stint-* metadata (admin)",
            (("x-stint-subject", "usr_forger"), ("x-stint-role", "admin")),
        ),
        ("token from an attacker's key", attacker.metadata(ADMIN, service)),
        ("token signed for another service", real.metadata(ADMIN, other)),
        ("expired token", (("x-stint-identity", _expired(real_key, service)),)),
        (
            "valid student token plus bare admin role",
            (
                *real.metadata(Caller("usr_s", "student", "", ""), service),
                ("x-stint-role", "admin"),
            ),
        ),
        ("token of HS256 shape", (("x-stint-identity", jwt.encode({"role": "admin"}, "k" * 32)),)),
    ]


async def test_forged_identities_are_refused_on_every_method(
    hardened: Platform, tally: Tally
) -> None:
    real_key = _platform_key(hardened)
    accepted = []
    for service, port in PORTS.items():
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port + offset_of(hardened)}") as channel:
            for path, request_type in _methods(service):
                call = channel.unary_unary(
                    path,
                    request_serializer=request_type.SerializeToString,
                    response_deserializer=lambda raw: raw,
                )
                for name, metadata in _forgeries(service, real_key):
                    code = grpc.StatusCode.OK
                    try:
                        await call(request_type(), metadata=metadata, timeout=5)
                    except grpc.aio.AioRpcError as exc:
                        code = exc.code()
                    refused = code == grpc.StatusCode.UNAUTHENTICATED
                    tally.record(
                        "gRPC with forged identity",
                        accepted=not refused,
                        server_error=code in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN),
                    )
                    if not refused:
                        accepted.append(f"{path} with {name}: {code.name}")
    assert not accepted, "\n".join(accepted)


async def test_the_gateways_token_for_the_service_is_accepted(hardened: Platform) -> None:
    """The control: the same calls with a real token get past identity."""
    signer = IdentitySigner(_platform_key(hardened))
    port = PORTS["payouts"] + offset_of(hardened)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        path, request_type = next(p for p in _methods("payouts") if p[0].endswith("/CheckLedger"))
        call = channel.unary_unary(
            path, request_serializer=request_type.SerializeToString, response_deserializer=bytes
        )
        await call(request_type(), metadata=signer.metadata(ADMIN, "payouts"), timeout=5)


@pytest.mark.parametrize("service", list(PORTS))
async def test_reflection_is_off(hardened: Platform, service: str) -> None:
    port = PORTS[service] + offset_of(hardened)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        # No request is sent: the server refuses the unknown method at once, and a request
        # written after that refusal would fail on the client's side instead.
        call = stub.ServerReflectionInfo(iter(()))
        code = await call.code()
    assert code == grpc.StatusCode.UNIMPLEMENTED
