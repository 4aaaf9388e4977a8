"""gRPC channels to the services: one reused channel each, the caller vouched for by a token
signed for that service (stint.kit.grpc.service_identity), a deadline on every call (a stopped
or hung backend becomes a 503 problem, never a hung request)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.auth import Principal
from stint.kit import tracing
from stint.kit.grpc import Caller, IdentitySigner

CHANNEL_OPTIONS = (
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.max_receive_message_length", 8 * 1024 * 1024),
    # Reconnect quickly after a backend restarts instead of backing off for minutes.
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2_000),
)


class Backends:
    def __init__(
        self, addresses: Mapping[str, str], deadline_seconds: float, signer: IdentitySigner
    ) -> None:
        self.deadline = deadline_seconds
        self._signer = signer
        self.channels = {
            name: grpc.aio.insecure_channel(
                address, options=CHANNEL_OPTIONS, interceptors=tracing.grpc_client_interceptors()
            )
            for name, address in addresses.items()
        }
        self._stubs: dict[tuple[str, type[Any]], Any] = {}

    def stub(self, backend: str, stub_type: type[Any]) -> Any:
        key = (backend, stub_type)
        if key not in self._stubs:
            self._stubs[key] = stub_type(self.channels[backend])
        return self._stubs[key]

    async def call(
        self,
        backend: str,
        method: Any,
        request: Any,
        principal: Principal | None,
        request_id: str,
    ) -> Any:
        """Call `method` (a stub method of `backend`) on behalf of `principal`."""
        caller = Caller(
            subject=principal.subject if principal else "",
            role=principal.role if principal else "",
            org=principal.org if principal else "",
            request_id=request_id,
        )
        metadata = self._signer.metadata(caller, backend)
        return await method(request, metadata=metadata, timeout=self.deadline)

    async def serving(self, name: str) -> bool:
        """The backend's gRPC health ("" = the whole server), bounded by a short deadline."""
        stub = health_pb2_grpc.HealthStub(self.channels[name])
        try:
            answer = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
        except grpc.aio.AioRpcError:
            return False
        return bool(answer.status == health_pb2.HealthCheckResponse.SERVING)

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()
