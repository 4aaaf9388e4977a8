"""Kafka consumers: hires fill postings, ended engagements complete them, applications are
counted; postings that open (our own topic) alert the saved searches they match. Every handler
is idempotent: applied event ids are remembered on the posting in the same write as the
effect, the domain counts a hire once per application and an ended engagement once per
engagement, whatever the event ids, and a saved search remembers the postings it alerted for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from postings import metrics
from postings.handlers import PostingReactions
from postings.handlers.saved_searches import SavedSearchCommands
from stint.applications.v1.events_pb2 import ApplicationSubmitted, CandidateHired
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.kit.wire import cause_from
from stint.postings.v1.events_pb2 import PostingApprovedForUniversity, PostingPublished
from stint.submissions.v1.events_pb2 import EngagementCancelled, EngagementCompleted


def _on_candidate_hired(
    reactions: PostingReactions,
) -> Callable[[CandidateHired, Envelope], Awaitable[None]]:
    async def handle(event: CandidateHired, envelope: Envelope) -> None:
        """CandidateHired -> hired_count + 1 (once per application); PostingFilled when hires
        reach positions (PostingCompleted too if every engagement already ended)."""
        application = event.application
        changed = await reactions.apply_consumed(
            application.posting_id,
            envelope.id,
            cause_from(event.context, envelope.id),
            lambda posting, now: posting.record_hire(application.id, now),
        )
        if changed:
            metrics.HIRES_COUNTED.inc()

    return handle


def _on_engagement_ended(
    reactions: PostingReactions, *, completed: bool
) -> Callable[[EngagementCompleted | EngagementCancelled, Envelope], Awaitable[None]]:
    async def handle(event: EngagementCompleted | EngagementCancelled, envelope: Envelope) -> None:
        """EngagementCompleted / EngagementCancelled -> the engagement counts as ended;
        PostingCompleted once every hire's engagement ended and applications stopped."""
        engagement = event.engagement
        await reactions.apply_consumed(
            engagement.posting_id,
            envelope.id,
            cause_from(event.context, envelope.id),
            lambda posting, now: posting.record_engagement_end(engagement.id, completed, now),
        )

    return handle


def _on_application_submitted(
    reactions: PostingReactions,
) -> Callable[[ApplicationSubmitted, Envelope], Awaitable[None]]:
    async def handle(event: ApplicationSubmitted, envelope: Envelope) -> None:
        """ApplicationSubmitted -> applications_count + 1 (no event of its own: the count
        rides on the posting's next snapshot)."""
        await reactions.apply_consumed(
            event.application.posting_id,
            envelope.id,
            cause_from(event.context, envelope.id),
            lambda posting, now: posting.record_application(now),
        )

    return handle


def _on_posting_visible(
    searches: SavedSearchCommands,
) -> Callable[[PostingPublished | PostingApprovedForUniversity, Envelope], Awaitable[None]]:
    async def handle(
        event: PostingPublished | PostingApprovedForUniversity, envelope: Envelope
    ) -> None:
        """PostingPublished / PostingApprovedForUniversity (this service's own topic) -> one
        SavedSearchMatched per saved search the posting matches and is visible to (each
        search and posting once)."""
        alerted = await searches.posting_visible(
            event.posting.id, cause_from(event.context, envelope.id)
        )
        metrics.SAVED_SEARCH_ALERTS.inc(alerted)

    return handle


def router(
    settings: KitSettings, reactions: PostingReactions, searches: SavedSearchCommands
) -> EventRouter:
    """The consumed topics and what each event does to a posting (or to saved searches)."""
    routes = EventRouter()
    own = settings.topic(topics.POSTINGS)
    routes.handler(own, PostingPublished)(_on_posting_visible(searches))
    routes.handler(own, PostingApprovedForUniversity)(_on_posting_visible(searches))
    applications = settings.topic(topics.APPLICATIONS)
    submissions = settings.topic(topics.SUBMISSIONS)
    routes.handler(applications, CandidateHired)(_on_candidate_hired(reactions))
    routes.handler(applications, ApplicationSubmitted)(_on_application_submitted(reactions))
    ended = partial(_on_engagement_ended, reactions)
    routes.handler(submissions, EngagementCompleted)(ended(completed=True))
    routes.handler(submissions, EngagementCancelled)(ended(completed=False))
    return routes
