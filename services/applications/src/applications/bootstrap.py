"""The composition root: infrastructure, repository, handlers, consumers, gRPC."""

from __future__ import annotations

from applications.adapters.repository import MongoRepository
from applications.config import Settings
from applications.domain.commands import Limits
from applications.entrypoints import kafka
from applications.entrypoints.grpc import SERVICE_NAME, Servicer
from applications.handlers import Deps, Handlers
from stint.applications.v1.applications_service_pb2_grpc import (
    add_ApplicationsServiceServicer_to_server,
)
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.bus import EventRouter
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    """Everything the applications process runs, not yet started."""
    infra = await connect(settings, clock)
    repo = MongoRepository(infra.aggregate("applications"), infra.aggregate("postings"))
    await repo.ensure_indexes()
    limits = Limits(settings.max_pitch_chars, settings.max_links, settings.max_reason_chars)
    deps = Deps(
        repo, infra.events(topics.APPLICATIONS), infra.clock, limits, settings.write_attempts
    )
    handlers = Handlers.build(deps)

    router = EventRouter()
    kafka.register(router, settings, handlers)
    infra.consume(router)

    server = grpc_server_for(
        settings,
        [(add_ApplicationsServiceServicer_to_server, Servicer(handlers), SERVICE_NAME)],
    )
    return infra.runner(server)
