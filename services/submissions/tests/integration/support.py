"""Helpers for the submissions integration tests: the real service, a hire and its funding,
callers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from prometheus_client import REGISTRY

from stint.applications.v1 import application_pb2, events_pb2
from stint.common.v1 import event_pb2, money_pb2, work_pb2
from stint.contracts import topics
from stint.kit.bus import KafkaEventPublisher, create_broker
from stint.kit.clock import Clock, SystemClock
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.grpc import Caller
from stint.kit.ids import new_id
from stint.kit.mongo import create_mongo_client
from stint.kit.runner import ServiceRunner
from stint.kit.testing.identity import metadata_for
from stint.kit.testing.kafka import Record, read_all
from stint.kit.testing.poll import eventually
from stint.payouts.v1 import events_pb2 as payout_events
from stint.payouts.v1 import funding_pb2
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import submissions_service_pb2 as api
from stint.submissions.v1 import submissions_service_pb2_grpc as api_grpc
from submissions.bootstrap import build
from submissions.config import Settings

HIRED_TYPE = "stint.applications.v1.CandidateHired"
FUNDED_TYPE = "stint.payouts.v1.FundingSecured"
SKILLS = ("Excel", "SQL", "Python")
CRITERIA = ("Covers five competitors", "Sources cited")


@dataclass
class Env:
    """One test's private corner of the shared broker and database."""

    settings: Settings
    bootstrap: str

    def topic(self, name: str) -> str:
        return self.settings.topic(name)


def settings_for(bootstrap: str, mongo_uri: str, database: str, unique: str) -> Settings:
    return Settings(
        kafka_bootstrap=bootstrap,
        mongo_uri=mongo_uri,
        mongo_database=database,
        kafka_topic_prefix=f"t{unique}.",
        grpc_port=0,
        http_port=0,
        timer_poll_seconds=0.1,
        relay_sweep_seconds=0.5,
        consumer_backoff_seconds=0.05,
        shutdown_grace_seconds=1.0,
    )


@asynccontextmanager
async def running(settings: Settings, clock: Clock | None = None) -> AsyncIterator[ServiceRunner]:
    runner = await build(settings, clock)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


@asynccontextmanager
async def stub_for(runner: ServiceRunner) -> AsyncIterator[api_grpc.SubmissionsServiceAsyncStub]:
    assert runner.grpc_server is not None
    port = runner.grpc_server.port  # type: ignore[attr-defined]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield api_grpc.SubmissionsServiceStub(channel)  # type: ignore[misc]


def as_caller(subject: str, role: str, org: str = "") -> tuple[tuple[str, str], ...]:
    return metadata_for(Caller(subject, role, org, request_id=new_id("req")), "submissions")


@dataclass(frozen=True)
class Parties:
    application_id: str
    student: str
    company: str
    university: str
    # As applications carries them on the hire ("" = a student or company without one).
    student_name: str = ""
    company_name: str = ""

    @property
    def engagement_id(self) -> str:
        return "eng_" + self.application_id.split("_", 1)[1]

    @property
    def funding_id(self) -> str:
        return "fnd_" + self.application_id.split("_", 1)[1]

    def student_md(self) -> tuple[tuple[str, str], ...]:
        return as_caller(self.student, "student", self.university)

    def employer_md(self) -> tuple[tuple[str, str], ...]:
        return as_caller(new_id("usr"), "employer", self.company)


def new_parties() -> Parties:
    return Parties(new_id("app"), new_id("usr"), new_id("cmp"), new_id("uni"))


def hired_envelope(
    env: Env,
    p: Parties,
    due_in: timedelta = timedelta(days=10),
    *,
    revision_limit: int = 0,
    milestones: tuple[work_pb2.MilestonePlan, ...] = (),
) -> Envelope:
    due = Timestamp()
    due.FromDatetime(datetime.now(UTC) + due_in)
    event = events_pb2.CandidateHired(
        context=event_pb2.EventContext(
            actor=event_pb2.Actor(subject="usr_employer", role="employer", org=p.company),
            correlation_id="req-hire",
        ),
        application=application_pb2.Application(
            id=p.application_id,
            posting_id=new_id("pst"),
            company_id=p.company,
            student_id=p.student,
            university_id=p.university,
            status=application_pb2.APPLICATION_STATUS_HIRED,
            student_name=p.student_name,
            company_name=p.company_name,
        ),
        terms=events_pb2.EngagementTerms(
            posting_id=new_id("pst"),
            posting_title="Competitor pricing study",
            category=work_pb2.CATEGORY_MARKET_RESEARCH,
            skills=SKILLS,
            estimated_hours=20,
            fee=money_pb2.Money(amount_minor=50_000, currency="USD"),
            due_date=due,
            acceptance_criteria=CRITERIA,
            ai_policy=work_pb2.AI_POLICY_DISCLOSE,
            company_id=p.company,
            revision_limit=revision_limit,
            milestones=milestones,
        ),
    )
    return new_envelope(
        event,
        topic=env.topic(topics.APPLICATIONS),
        subject=p.application_id,
        source="/stint/applications",
        clock=SystemClock(),
    )


def funded_envelope(env: Env, p: Parties) -> Envelope:
    """Payouts' FundingSecured for the engagement of `p`'s hire (what it needs of the funding:
    the ids)."""
    funded_at = Timestamp()
    funded_at.FromDatetime(datetime.now(UTC))
    event = payout_events.FundingSecured(
        context=event_pb2.EventContext(
            actor=event_pb2.Actor(subject="system", role="system"), correlation_id="req-hire"
        ),
        funding=funding_pb2.Funding(
            id=p.funding_id,
            engagement_id=p.engagement_id,
            application_id=p.application_id,
            company_id=p.company,
            student_id=p.student,
            status=funding_pb2.FUNDING_STATUS_FUNDED,
            funded_at=funded_at,
        ),
    )
    return new_envelope(
        event,
        topic=env.topic(topics.PAYOUTS),
        subject=p.funding_id,
        source="/stint/payouts",
        clock=SystemClock(),
    )


def hired_and_funded(
    env: Env, p: Parties, due_in: timedelta = timedelta(days=10)
) -> list[Envelope]:
    """What an engagement that starts needs: the hire, then payouts' FundingSecured."""
    return [hired_envelope(env, p, due_in), funded_envelope(env, p)]


async def publish(env: Env, *envelopes: Envelope) -> None:
    broker = create_broker(env.bootstrap, client_id="submissions-test")
    await broker.connect()
    try:
        publisher = KafkaEventPublisher(broker)
        for envelope in envelopes:
            await publisher.publish(envelope)
    finally:
        await broker.stop()


def consumed(env: Env, outcome: str = "applied", *, funding: bool = False) -> float:
    """How many hires (or, with `funding`, FundingSecured events) were handled so far."""
    topic, kind = (topics.PAYOUTS, FUNDED_TYPE) if funding else (topics.APPLICATIONS, HIRED_TYPE)
    labels = {
        "service": "submissions",
        "topic": env.topic(topic),
        "type": kind,
        "outcome": outcome,
    }
    return REGISTRY.get_sample_value("stint_events_consumed_total", labels) or 0.0


async def wait(
    probe: Callable[[], Awaitable[Any] | Any], until: Callable[[Any], bool], what: str
) -> Any:
    """Poll `probe` (sync or async) until `until` holds, for at most 20 seconds."""
    return await eventually(probe, until=until, timeout=20.0, what=what)


async def wait_status(
    runner: ServiceRunner, p: Parties, status: pb.EngagementStatus.ValueType
) -> pb.Engagement:
    """The engagement once it exists in `status` (polled over gRPC, as the student)."""
    async with stub_for(runner) as stub:

        async def get() -> Any:  # the engagement, or None before the hire is handled
            request = api.GetEngagementRequest(engagement_id=p.engagement_id)
            try:
                reply = await stub.GetEngagement(request, metadata=p.student_md())
            except grpc.aio.AioRpcError as exc:
                if exc.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return None
            return reply.engagement

        name = pb.EngagementStatus.Name(status)
        found = await wait(get, lambda e: e is not None and e.status == status, name)
    assert isinstance(found, pb.Engagement)
    return found


async def published(env: Env, runner: ServiceRunner, engagement_id: str) -> list[Record]:
    """Every submissions event about the engagement, once its outbox has drained."""
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        engagements = client[env.settings.database_name]["engagements"]

        async def outbox() -> Any:
            doc = await engagements.find_one({"_id": engagement_id})
            return doc and doc.get("outbox")

        await wait(outbox, lambda pending: pending == [], "the outbox drained")
    finally:
        await client.close()
    records = await read_all(env.bootstrap, env.topic(topics.SUBMISSIONS))
    return [r for r in records if r.key == engagement_id.encode()]


def distinct(records: list[Record]) -> list[Record]:
    """One record per ce_id: the relay may publish an event again (at least once, e.g. when
    a test's manual clock jumps past a relay lease), and consumers deduplicate on ce_id."""
    seen: set[bytes] = set()
    out = []
    for record in records:
        ce_id = dict(record.headers)["ce_id"]
        if ce_id not in seen:
            seen.add(ce_id)
            out.append(record)
    return out


def types_of(records: list[Record]) -> list[str]:
    return [dict(r.headers)["ce_type"].decode().rsplit(".", 1)[1] for r in records]
