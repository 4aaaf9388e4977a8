"""The composition root: infrastructure, the fact repository, handlers, consumers, gRPC."""

from __future__ import annotations

from outcomes.adapters.repository import FactRepository
from outcomes.config import Settings
from outcomes.entrypoints import kafka
from outcomes.entrypoints.grpc import SERVICE_NAME, OutcomesServicer
from outcomes.handlers import Deps, Handlers, Stores
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner
from stint.outcomes.v1.outcomes_service_pb2_grpc import add_OutcomesServiceServicer_to_server


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    """Everything the outcomes process runs, not yet started (it publishes no events)."""
    infra = await connect(settings, clock)
    repository = FactRepository(
        infra.versioned("postings"),
        infra.versioned("approvals"),
        infra.versioned("applications"),
        infra.versioned("engagements"),
    )
    await repository.ensure_indexes()
    stores = Stores(
        repository.postings,
        repository.approvals,
        repository.applied,
        repository.engagements,
        repository,
    )
    deps = Deps(
        stores,
        infra.clock,
        suppression_k=settings.outcomes_suppression_k,
        max_range_days=settings.outcomes_max_range_days,
        max_companies=settings.outcomes_max_companies,
        write_attempts=settings.write_attempts,
    )
    handlers = Handlers.build(deps)
    infra.consume(kafka.router(settings, handlers))
    server = grpc_server_for(
        settings,
        [(add_OutcomesServiceServicer_to_server, OutcomesServicer(handlers), SERVICE_NAME)],
    )
    return infra.runner(server)
