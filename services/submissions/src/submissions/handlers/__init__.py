"""Use cases: take a command, an event or a due time; load, decide (domain), save with the
domain events (the repository turns them into envelopes). One module per area; `ports.py` is
what they need from outside."""

from __future__ import annotations

from dataclasses import dataclass

from stint.kit.clock import Clock
from submissions.domain.model import Windows
from submissions.handlers.dispute_views import DisputeViews
from submissions.handlers.dispute_writes import DisputeWrites
from submissions.handlers.disputes import DisputeHandlers
from submissions.handlers.engagements import EngagementHandlers
from submissions.handlers.feedback import FeedbackHandlers
from submissions.handlers.offers import OfferHandlers
from submissions.handlers.ports import DisputeStore, EngagementStore, OfferStore, RecordSigner
from submissions.handlers.records import ExperienceRecords, IssuedRecord
from submissions.handlers.reviews import ReviewHandlers
from submissions.handlers.schedule import ScheduleHandlers
from submissions.handlers.timers import TimerHandlers
from submissions.handlers.views import Views

__all__ = [
    "DisputeHandlers",
    "DisputeStore",
    "DisputeViews",
    "DisputeWrites",
    "EngagementHandlers",
    "EngagementStore",
    "ExperienceRecords",
    "FeedbackHandlers",
    "Handlers",
    "IssuedRecord",
    "OfferHandlers",
    "OfferStore",
    "RecordSigner",
    "ReviewHandlers",
    "ScheduleHandlers",
    "TimerHandlers",
    "Views",
]


@dataclass(frozen=True)
class Handlers:
    """Every use case of the service, wired to one store, clock and signer."""

    engagements: EngagementHandlers
    reviews: ReviewHandlers
    feedback: FeedbackHandlers
    records: ExperienceRecords
    timers: TimerHandlers
    views: Views
    disputes: DisputeHandlers
    dispute_views: DisputeViews
    dispute_writes: DisputeWrites
    offers: OfferHandlers
    schedule: ScheduleHandlers

    @classmethod
    def build(
        cls,
        repo: EngagementStore,
        clock: Clock,
        signer: RecordSigner,
        windows: Windows,
        default_revision_limit: int = 2,
        *,
        disputes: DisputeStore,
        offers: OfferStore,
    ) -> Handlers:
        writes = DisputeWrites(repo, disputes, clock, windows)
        dispute_views = DisputeViews(repo, disputes)
        return cls(
            engagements=EngagementHandlers(repo, clock, windows, default_revision_limit),
            reviews=ReviewHandlers(repo, clock, windows),
            feedback=FeedbackHandlers(repo, clock),
            records=ExperienceRecords(repo, clock, signer),
            timers=TimerHandlers(repo, clock, windows),
            views=Views(repo),
            disputes=DisputeHandlers(repo, disputes, clock, windows, writes, dispute_views),
            dispute_views=dispute_views,
            dispute_writes=writes,
            offers=OfferHandlers(repo, offers, clock),
            schedule=ScheduleHandlers(repo, clock, windows),
        )
