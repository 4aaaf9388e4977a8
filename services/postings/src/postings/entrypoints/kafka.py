"""Kafka consumers: hires fill postings, ended engagements complete them, applications are
counted. Every handler is idempotent: applied event ids are remembered on the posting in the
same write as the effect, and the domain counts a hire once per application and an ended
engagement once per engagement, whatever the event ids."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from postings import metrics
from postings.domain.commands import Context
from postings.handlers import SYSTEM, Handlers
from stint.applications.v1.events_pb2 import ApplicationSubmitted, CandidateHired
from stint.common.v1.event_pb2 import EventContext
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.submissions.v1.events_pb2 import EngagementCancelled, EngagementCompleted


def caused_by(context: EventContext, envelope: Envelope) -> Context:
    """The context of what a consumer emits: the platform acts, in the same correlation
    chain, caused by the consumed event."""
    return Context(SYSTEM, correlation_id=context.correlation_id, causation_id=envelope.id)


def on_candidate_hired(handlers: Handlers) -> Callable[[CandidateHired, Envelope], Awaitable[None]]:
    async def handle(event: CandidateHired, envelope: Envelope) -> None:
        """CandidateHired -> hired_count + 1 (once per application); PostingFilled when hires
        reach positions (PostingCompleted too if every engagement already ended)."""
        application = event.application
        changed = await handlers.apply_consumed(
            application.posting_id,
            envelope.id,
            caused_by(event.context, envelope),
            lambda posting, now: posting.record_hire(application.id, now),
        )
        if changed:
            metrics.HIRES_COUNTED.inc()

    return handle


def on_engagement_ended(
    handlers: Handlers, *, completed: bool
) -> Callable[[EngagementCompleted | EngagementCancelled, Envelope], Awaitable[None]]:
    async def handle(event: EngagementCompleted | EngagementCancelled, envelope: Envelope) -> None:
        """EngagementCompleted / EngagementCancelled -> the engagement counts as ended;
        PostingCompleted once every hire's engagement ended and applications stopped."""
        engagement = event.engagement
        await handlers.apply_consumed(
            engagement.posting_id,
            envelope.id,
            caused_by(event.context, envelope),
            lambda posting, now: posting.record_engagement_end(engagement.id, completed, now),
        )

    return handle


def on_application_submitted(
    handlers: Handlers,
) -> Callable[[ApplicationSubmitted, Envelope], Awaitable[None]]:
    async def handle(event: ApplicationSubmitted, envelope: Envelope) -> None:
        """ApplicationSubmitted -> applications_count + 1 (no event of its own: the count
        rides on the posting's next snapshot)."""
        await handlers.apply_consumed(
            event.application.posting_id,
            envelope.id,
            caused_by(event.context, envelope),
            lambda posting, now: posting.record_application(now),
        )

    return handle


def build_router(settings: KitSettings, handlers: Handlers) -> EventRouter:
    router = EventRouter()
    applications = settings.topic(topics.APPLICATIONS)
    submissions = settings.topic(topics.SUBMISSIONS)
    router.handler(applications, CandidateHired)(on_candidate_hired(handlers))
    router.handler(applications, ApplicationSubmitted)(on_application_submitted(handlers))
    ended = partial(on_engagement_ended, handlers)
    router.handler(submissions, EngagementCompleted)(ended(completed=True))
    router.handler(submissions, EngagementCancelled)(ended(completed=False))
    return router
