"""The composition root: connections, repository, handlers, consumers, timer, gRPC server."""

from __future__ import annotations

from datetime import timedelta

from postings.adapters.repository import PostingRepository
from postings.config import Settings
from postings.entrypoints.grpc import SERVICE_NAME, PostingsServicer
from postings.entrypoints.kafka import build_router
from postings.entrypoints.timers import expiry_timer
from postings.handlers import Handlers
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner
from stint.postings.v1.postings_service_pb2_grpc import add_PostingsServiceServicer_to_server


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    postings = infra.aggregate("postings")
    repository = PostingRepository(postings)
    await repository.ensure_indexes()
    handlers = Handlers(repository, infra.events(topics.POSTINGS), infra.clock, settings.policy())
    infra.consume(build_router(settings, handlers))
    lease = timedelta(seconds=settings.expiry_lease_seconds)
    timers = infra.timers([expiry_timer(postings, handlers, lease)])
    server = grpc_server_for(
        settings,
        [(add_PostingsServiceServicer_to_server, PostingsServicer(handlers), SERVICE_NAME)],
    )
    return infra.runner(server, timers)
