"""Building a Stint gRPC server: servicers, health, reflection, interceptor, options.

Signal handling is deliberately not done here: the process runner owns SIGTERM (it also stops
the Kafka subscribers, the relay and the HTTP server) and calls `GrpcServer.stop`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection as grpc_reflection

from stint.kit import tracing
from stint.kit.grpc.interceptors import ServerInterceptor
from stint.kit.grpc.service_identity import IdentityVerifier
from stint.kit.settings import KitSettings

MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024

#: ``(add_XServicer_to_server, servicer, "stint.x.v1.XService")`` as produced by grpcio-tools.
Registration = tuple[Callable[[Any, Any], None], object, str]
#: Either a function that registers servicers and returns their full service names, or a list
#: of `Registration` triples.
Register = Callable[[grpc.aio.Server], Iterable[str]] | Sequence[Registration]

DEFAULT_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.max_receive_message_length", MAX_RECEIVE_MESSAGE_BYTES),
    # Ping idle connections so that half-open ones (a vanished gateway pod) are noticed.
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # Accept client keepalive pings down to every 10 s instead of answering with GOAWAY.
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    # Recycle long-lived connections so new replicas behind a Service receive traffic.
    ("grpc.max_connection_age_ms", 300_000),
    ("grpc.max_connection_age_grace_ms", 30_000),
    # Fail loudly when the port is taken, rather than silently sharing it with a stale process.
    ("grpc.so_reuseport", 0),
)

_SERVING = health_pb2.HealthCheckResponse.SERVING
_NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class GrpcServer:
    """A configured, bound grpc.aio server; see `build_grpc_server`."""

    def __init__(
        self,
        server: grpc.aio.Server,
        health_servicer: health.aio.HealthServicer,
        names: list[str],
        port: int,
    ) -> None:
        self._server = server
        self._health = health_servicer
        self._service_names = names
        self._port = port

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        return self._port

    @property
    def service_names(self) -> list[str]:
        """Full names of the application services (without health and reflection)."""
        return list(self._service_names)

    async def start(self) -> None:
        """Start serving; health reports SERVING overall ("") and for each service."""
        await self._server.start()
        await self.set_serving(True)

    async def set_serving(self, serving: bool) -> None:
        """Report SERVING or NOT_SERVING (e.g. while a dependency is down).

        Async because the health servicer notifies its `Watch` streams. Ignored once `stop`
        has begun: the status then stays NOT_SERVING.
        """
        status = _SERVING if serving else _NOT_SERVING
        for name in ("", *self._service_names):
            await self._health.set(name, status)

    async def stop(self, grace: float | None = 5.0) -> None:
        """Stop gracefully: report NOT_SERVING first, so that load balancers and probes move
        away, then refuse new RPCs and give in-flight ones `grace` seconds to finish.
        """
        await self._health.enter_graceful_shutdown()
        await self._server.stop(grace)

    async def wait_for_termination(self) -> None:
        """Return once the server has stopped."""
        await self._server.wait_for_termination()


def _register_all(server: grpc.aio.Server, register: Register) -> list[str]:
    if callable(register):
        return list(register(server))
    names = []
    for add_to_server, servicer, full_name in register:
        add_to_server(servicer, server)
        names.append(full_name)
    return names


def build_grpc_server(
    service_name: str,
    port: int,
    register: Register,
    *,
    identity: IdentityVerifier,
    host: str = "127.0.0.1",
    options: Iterable[tuple[str, Any]] = (),
    reflection: bool = False,
) -> GrpcServer:
    """Build and bind (not start) the gRPC server of the deployable `service_name`.

    `register` adds the application servicers (see `Register`); health checking (and server
    reflection when asked for: it is off by default, a map of the API for whoever reaches the
    port) are added here, and every RPC goes through `ServerInterceptor`, which refuses calls
    without a token `identity` verifies. Use
    ``host="[::]"`` to listen on all interfaces, ``port=0`` to let the OS pick (tests).
    `options` override `DEFAULT_OPTIONS` key by key. Call it with the event loop running
    (grpc.aio binds the server to it). Raises `RuntimeError` when the address cannot be bound.
    """
    merged = dict(DEFAULT_OPTIONS)
    merged.update(options)
    # Tracing first: a refused call is traced too.
    interceptors = [*tracing.grpc_server_interceptors(), ServerInterceptor(service_name, identity)]
    server = grpc.aio.server(interceptors=interceptors, options=list(merged.items()))
    names = _register_all(server, register)

    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if reflection:
        grpc_reflection.enable_server_reflection(
            [*names, health.SERVICE_NAME, grpc_reflection.SERVICE_NAME], server
        )

    bound = server.add_insecure_port(f"{host}:{port}")
    if not bound:  # older grpcio versions signal failure with 0 instead of raising
        raise RuntimeError(f"cannot bind gRPC server to {host}:{port}")
    return GrpcServer(server, health_servicer, names, bound)


def grpc_server_for(settings: KitSettings, register: Register) -> GrpcServer:
    """The service's gRPC server as its settings describe it (address, identity, reflection).

    Raises `IdentityConfigError` when the gateway's public key is missing: a service without it
    would refuse every call, so it does not start.
    """
    return build_grpc_server(
        settings.service_name,
        settings.grpc_port,
        register,
        identity=IdentityVerifier(settings.identity_public_keys, audience=settings.service_name),
        host=settings.grpc_host,
        reflection=settings.grpc_reflection,
    )
