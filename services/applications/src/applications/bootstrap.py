"""The composition root: infrastructure, repositories, handlers, consumers, gRPC."""

from __future__ import annotations

from datetime import timedelta

from applications.adapters.conversation_repository import ConversationRepository
from applications.adapters.profiles import InvitationRepository, ProfileRepository
from applications.adapters.repository import ApplicationRepository, PostingRepository
from applications.config import Settings
from applications.domain.commands import Limits
from applications.domain.conversation import RateLimit
from applications.domain.conversation_input import MessageLimits
from applications.entrypoints import kafka
from applications.entrypoints.grpc import SERVICE_NAME, ApplicationsServicer
from applications.handlers import ConversationPolicy, Deps, Handlers
from stint.applications.v1.applications_service_pb2_grpc import (
    add_ApplicationsServiceServicer_to_server,
)
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    """Everything the applications process runs, not yet started."""
    infra = await connect(settings, clock)
    events = infra.events(topics.APPLICATIONS)
    applications = ApplicationRepository(infra.aggregate("applications"), events)
    postings = PostingRepository(infra.aggregate("postings"), events)
    profiles = ProfileRepository(infra.aggregate("profiles"))
    invitations = InvitationRepository(infra.aggregate("invitations"), events)
    conversations = ConversationRepository(
        infra.aggregate("conversations"), infra.db["conversation_messages"], events
    )
    for repo in (applications, postings, profiles, invitations, conversations):
        await repo.ensure_indexes()
    limits = Limits(settings.max_pitch_chars, settings.max_links, settings.max_reason_chars)
    deps = Deps(
        applications,
        postings,
        profiles,
        invitations,
        infra.clock,
        limits,
        settings.write_attempts,
        catch_up_seconds=settings.apply_catch_up_seconds,
        not_ready_window=timedelta(seconds=settings.apply_not_ready_seconds),
    )
    handlers = Handlers.build(deps, conversations, _conversation_policy(settings))

    infra.consume(kafka.router(settings, handlers))

    server = grpc_server_for(
        settings,
        [(add_ApplicationsServiceServicer_to_server, ApplicationsServicer(handlers), SERVICE_NAME)],
    )
    return infra.runner(server)


def _conversation_policy(settings: Settings) -> ConversationPolicy:
    return ConversationPolicy(
        MessageLimits(settings.max_message_chars, settings.max_message_artifacts),
        RateLimit(
            settings.message_rate_limit, timedelta(seconds=settings.message_rate_window_seconds)
        ),
    )
