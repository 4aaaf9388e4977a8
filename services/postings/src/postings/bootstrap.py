"""The composition root: connections, repository, handlers, consumers, timer, gRPC server."""

from __future__ import annotations

from datetime import timedelta

from postings.adapters.company_repository import CompanyRepository
from postings.adapters.repository import PostingRepository
from postings.adapters.saved_search_repository import SavedSearchRepository
from postings.config import Settings
from postings.entrypoints.grpc import SERVICE_NAME, PostingsServicer
from postings.entrypoints.kafka import router
from postings.entrypoints.timers import timers
from postings.handlers import Handlers
from postings.handlers.saved_searches import SavedSearchCommands
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner
from stint.postings.v1.postings_service_pb2_grpc import add_PostingsServiceServicer_to_server


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    postings = infra.aggregate("postings")
    repository = PostingRepository(postings, infra.events(topics.POSTINGS))
    await repository.ensure_indexes()
    companies = CompanyRepository(infra.aggregate("companies"), infra.events(topics.POSTINGS))
    await companies.ensure_indexes()
    handlers = Handlers.build(repository, companies, infra.clock, settings.policy())
    searches = SavedSearchRepository(
        infra.aggregate("saved_searches"), infra.events(topics.POSTINGS)
    )
    await searches.ensure_indexes()
    saved = SavedSearchCommands(searches, repository, infra.clock, settings.max_amount_minor)
    infra.consume(router(settings, handlers.reactions, saved))
    lease = timedelta(seconds=settings.expiry_lease_seconds)
    expiry = infra.timers(timers(postings, handlers.reactions, lease))
    server = grpc_server_for(
        settings,
        [(add_PostingsServiceServicer_to_server, PostingsServicer(handlers, saved), SERVICE_NAME)],
    )
    return infra.runner(server, expiry)
