"""The admins' review of postings (over gRPC): the queue, approve, decline, take down, and
flags from students, universities and other companies. Each loads the posting, checks who
asks, lets `domain.moderation` decide and saves the new state with its events in one write."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from postings import metrics
from postings.domain import access, moderation
from postings.domain.company_rules import require_admin
from postings.domain.errors import InvalidTransition
from postings.domain.model import Posting
from postings.domain.validation import Policy, validate_terms
from postings.domain.values import Status
from postings.handlers.ports import Companies, Loaded, Repository
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.errors import ConcurrencyConflict, InvalidArgument
from stint.kit.paging import Page, page_request


class ReviewCommands:
    def __init__(
        self, repository: Repository, companies: Companies, clock: Clock, policy: Policy
    ) -> None:
        self._repo = repository
        self._companies = companies
        self._clock = clock
        self._policy = policy

    async def queue(self, page_size: int, page_token: str, cause: Cause) -> Page[Posting]:
        """ListReviewQueue (admins): pending and flagged open postings, oldest entry first."""
        require_admin(cause.actor, "review postings")
        return await self._repo.review_queue(page_request(page_size, page_token))

    async def approve(self, posting_id: str, expected_version: int, cause: Cause) -> Posting:
        """ApprovePostingReview: a pending posting opens (PostingReviewApproved and
        PostingPublished, so applications opens it as any publish); a flagged one stays open
        (PostingReviewApproved). A pending posting must still pass validation now."""
        loaded = await self._admin_load(posting_id, expected_version, cause)
        now = self._clock.now()
        posting = loaded.posting
        if posting.status is Status.PENDING_REVIEW:
            self._still_valid(posting, now)
            company = await self._companies.load(posting.company_id)
            name = company.profile.display_name if company else posting.company_name
            posting = replace(posting, company_name=name)
        after, events = moderation.approve(posting, cause.actor.subject, now)
        saved = await self._repo.save(loaded, after, events, cause)
        metrics.REVIEW_DECISIONS.labels("approved").inc()
        return saved

    async def decline(
        self, posting_id: str, reason: str, expected_version: int, cause: Cause
    ) -> Posting:
        """DeclinePostingReview: back to DRAFT with the reason (PostingReviewDeclined)."""
        loaded = await self._admin_load(posting_id, expected_version, cause)
        now = self._clock.now()
        after, events = moderation.decline(loaded.posting, reason.strip(), cause.actor.subject, now)
        saved = await self._repo.save(loaded, after, events, cause)
        metrics.REVIEW_DECISIONS.labels("declined").inc()
        return saved

    async def take_down(
        self, posting_id: str, reason: str, expected_version: int, cause: Cause
    ) -> Posting:
        """TakeDownPosting: OPEN or PENDING_REVIEW -> TAKEN_DOWN (PostingTakenDown)."""
        loaded = await self._admin_load(posting_id, expected_version, cause)
        now = self._clock.now()
        after, events = moderation.take_down(
            loaded.posting, reason.strip(), cause.actor.subject, now
        )
        saved = await self._repo.save(loaded, after, events, cause)
        metrics.TAKEDOWNS.inc()
        return saved

    async def flag(self, posting_id: str, reason: str, cause: Cause) -> Posting:
        """FlagPosting: an open posting enters the queue, still open (PostingFlagged); the
        same caller again changes nothing."""
        loaded = await self._repo.load(posting_id)
        access.require_flagger(cause.actor, loaded.posting if loaded else None, posting_id)
        assert loaded is not None
        after, events = moderation.flag(
            loaded.posting, cause.actor.subject, reason.strip(), self._clock.now()
        )
        if not events:
            return loaded.posting
        saved = await self._repo.save(loaded, after, events, cause)
        metrics.SENT_TO_REVIEW.labels("flagged").inc()
        return saved

    async def _admin_load(self, posting_id: str, expected_version: int, cause: Cause) -> Loaded:
        require_admin(cause.actor, "review postings")
        loaded = await self._repo.load(posting_id)
        access.require_manager(cause.actor, loaded.posting if loaded else None, posting_id)
        assert loaded is not None
        if expected_version and loaded.posting.version != expected_version:
            raise ConcurrencyConflict(
                f"posting {posting_id} is at version {loaded.posting.version}, "
                f"not {expected_version}"
            )
        return loaded

    def _still_valid(self, posting: Posting, now: datetime) -> None:
        try:
            validate_terms(posting.terms, self._policy, now)
        except InvalidArgument as exc:
            problems = "; ".join(f"{v.field}: {v.description}" for v in exc.violations)
            raise InvalidTransition(f"the posting cannot open: {problems}") from exc
