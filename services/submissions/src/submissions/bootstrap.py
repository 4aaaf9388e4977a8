"""The composition root: infrastructure, repository, use cases, entrypoints, runner."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from datetime import timedelta

from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.ids import new_id
from stint.kit.runner import ServiceRunner
from stint.submissions.v1 import submissions_service_pb2_grpc as api_grpc
from submissions.adapters import wire
from submissions.adapters.dispute_repository import DisputeRepository
from submissions.adapters.offer_repository import OfferRepository
from submissions.adapters.repository import EngagementRepository, SigningKeyStore
from submissions.adapters.signing import KeyRing
from submissions.config import Settings
from submissions.domain.model import Windows
from submissions.entrypoints import kafka, timers
from submissions.entrypoints.grpc import SubmissionsServicer
from submissions.handlers import Handlers

log = logging.getLogger(__name__)
SERVICE = "stint.submissions.v1.SubmissionsService"


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    engagements = infra.aggregate("engagements")
    # Funding markers are immutable inserts keyed by engagement id (never updated): a plain
    # collection, no version, no guard needed.
    repo = EngagementRepository(
        engagements,
        infra.db["funded_engagements"],
        wire.envelopes_for(infra.events(topics.SUBMISSIONS)),
    )
    await repo.ensure_indexes()
    dispute_docs = infra.aggregate("disputes")
    disputes = DisputeRepository(dispute_docs, wire.envelopes_for(infra.events(topics.SUBMISSIONS)))
    await disputes.ensure_indexes()
    offers = OfferRepository(
        infra.aggregate("offers"), wire.envelopes_for(infra.events(topics.SUBMISSIONS))
    )
    await offers.ensure_indexes()
    windows = Windows(
        review=timedelta(days=settings.review_window_days),
        reveal=timedelta(days=settings.reveal_window_days),
        funding=timedelta(hours=settings.funding_window_hours),
        dispute_answer=timedelta(hours=settings.dispute_answer_hours),
        max_extension=timedelta(days=settings.max_extension_days),
    )
    keys = await key_ring(settings, SigningKeyStore(infra.db["signing_keys"]))
    handlers = Handlers.build(
        repo,
        infra.clock,
        keys,
        windows,
        settings.default_revision_limit,
        disputes=disputes,
        offers=offers,
    )

    infra.consume(kafka.router(settings, handlers.engagements))
    timer_worker = infra.timers(
        timers.timers(engagements, handlers.timers)
        + timers.dispute_timers(engagements, dispute_docs, handlers.dispute_writes)
    )
    server = grpc_server_for(
        settings,
        [(api_grpc.add_SubmissionsServiceServicer_to_server, SubmissionsServicer(handlers),
          SERVICE)],
    )  # fmt: skip
    return infra.runner(server, timer_worker)


async def key_ring(settings: Settings, store: SigningKeyStore) -> KeyRing:
    """The experience-record signing key: from settings in production; otherwise a
    development key shared by all replicas through the service database (created once)."""
    retired = json.loads(settings.retired_signing_keys_jwks or '{"keys": []}')["keys"]
    encoded = settings.signing_key_seed.get_secret_value()
    if encoded:
        try:
            seed = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ValueError("STINT_SIGNING_KEY_SEED is not base64") from exc
        if len(seed) != 32:
            raise ValueError("STINT_SIGNING_KEY_SEED must be 32 bytes (an Ed25519 seed)")
        if not settings.signing_key_id:
            raise ValueError("STINT_SIGNING_KEY_ID is required with STINT_SIGNING_KEY_SEED")
        return KeyRing.from_seed(seed, settings.signing_key_id, retired)
    if settings.require_signing_key:
        raise ValueError("no signing key configured (STINT_SIGNING_KEY_SEED)")
    kid, seed = await store.get_or_create(new_id("key"), os.urandom(32))
    log.warning(
        "no signing key configured: experience records are signed with a development key "
        "stored in the service database; set STINT_SIGNING_KEY_SEED in production",
        extra={"kid": kid},
    )
    return KeyRing.from_seed(seed, kid, retired)
