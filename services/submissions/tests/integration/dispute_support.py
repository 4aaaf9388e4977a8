"""Helpers of the dispute integration tests: requests, callers, what was published."""

from __future__ import annotations

from typing import Any

from stint.common.v1 import money_pb2
from stint.kit.ids import new_id
from stint.kit.mongo import create_mongo_client
from stint.kit.runner import ServiceRunner
from stint.kit.testing.kafka import Record
from stint.submissions.v1 import dispute_pb2 as dpb
from stint.submissions.v1 import submissions_service_pb2 as api

from .support import Env, Parties, as_caller, distinct, published, wait


def dispute_id(p: Parties) -> str:
    return "dsp_" + p.application_id.split("_", 1)[1]


def open_request(p: Parties) -> api.OpenDisputeRequest:
    return api.OpenDisputeRequest(
        engagement_id=p.engagement_id,
        reason=dpb.DISPUTE_REASON_QUALITY,
        statement="The deck covers two of the five competitors.",
        evidence=[dpb.Evidence(kind=dpb.EVIDENCE_KIND_ARTIFACT, reference="1/deck.pdf")],
    )


def partial(p: Parties, amount: int, currency: str = "USD") -> api.ResolveDisputeRequest:
    return api.ResolveDisputeRequest(
        dispute_id=dispute_id(p),
        outcome=dpb.DISPUTE_OUTCOME_PARTIAL_RELEASE,
        released=money_pb2.Money(amount_minor=amount, currency=currency),
        decision="Three of five competitors: 60 % of the fee is released.",
    )


def sweeping(env: Env) -> Any:
    """The service's settings with a quick timer sweep: the half-done write was another
    process's, so this one learns of its due time from the sweep, not in-process."""
    return env.settings.model_copy(update={"timer_sweep_seconds": 0.2})


def admin_md() -> tuple[tuple[str, str], ...]:
    return as_caller(new_id("usr"), "admin")


async def all_published(env: Env, runner: ServiceRunner, p: Parties) -> list[Record]:
    """Every event about the engagement once both its and its dispute's outboxes drained."""
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        disputes = client[env.settings.database_name]["disputes"]

        async def outbox() -> Any:
            doc = await disputes.find_one({"_id": dispute_id(p)})
            return doc and doc.get("outbox")

        await wait(outbox, lambda pending: pending == [], "the dispute's outbox drained")
    finally:
        await client.close()
    return distinct(await published(env, runner, p.engagement_id))


def open_request_active(p: Parties) -> api.OpenDisputeRequest:
    """The intern's dispute over ACTIVE work (nothing submitted: no artifact to point at)."""
    request = open_request(p)
    request.reason = dpb.DISPUTE_REASON_SCOPE
    del request.evidence[:]
    request.evidence.add(kind=dpb.EVIDENCE_KIND_LINK, reference="https://docs.example/scope")
    return request


async def stored_dispute(env: Env, p: Parties) -> dict[str, Any] | None:
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        doc = await client[env.settings.database_name]["disputes"].find_one({"_id": dispute_id(p)})
    finally:
        await client.close()
    return dict(doc) if doc else None
