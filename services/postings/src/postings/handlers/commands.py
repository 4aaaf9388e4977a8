"""Requests that change a posting (over gRPC): load it, check who asks (`domain.access`), let
the posting decide, and hand the new state and its domain events to the repository, which
writes both at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from postings import metrics
from postings.domain import access, moderation
from postings.domain.commands import CreatePosting, UpdatePosting, changed_fields, merge, normalized
from postings.domain.model import Posting
from postings.domain.review import automatic_findings
from postings.domain.validation import Policy, validate_terms
from postings.domain.values import Decision, Terms
from postings.handlers.ports import Companies, Loaded, Repository
from stint.kit.actor import Actor, Cause
from stint.kit.clock import Clock
from stint.kit.errors import ConcurrencyConflict, FailedPrecondition, InvalidArgument
from stint.kit.ids import new_id


def new_posting_id() -> str:
    return new_id("pst")


class PostingCommands:
    def __init__(
        self,
        repository: Repository,
        companies: Companies,
        clock: Clock,
        policy: Policy,
        next_id: Callable[[], str] = new_posting_id,
    ) -> None:
        self._repo = repository
        self._companies = companies
        self._clock = clock
        self._policy = policy
        self._next_id = next_id

    async def create(self, cmd: CreatePosting, cause: Cause) -> Posting:
        """CreatePosting: a validated DRAFT; emits PostingCreated."""
        company = access.company_for_new_posting(cause.actor, cmd.company_id)
        now = self._clock.now()
        terms = self._valid(cmd.terms, now, prefix="posting.")
        posting, events = Posting.draft(self._next_id(), company, cause.actor.subject, terms, now)
        posting = replace(posting, company_name=await self._company_name(company))
        return await self._repo.add(posting, events, cause)

    async def update(self, cmd: UpdatePosting, cause: Cause) -> Posting:
        """UpdatePosting: masked fields of a draft, or of an open posting (description, skills,
        a later deadline); emits PostingUpdated with the changed field names."""
        loaded = await self._managed(cmd.posting_id, cause.actor, cmd.expected_version)
        current = loaded.posting
        now = self._clock.now()
        merged = merge(current.terms, cmd.terms, cmd.mask)
        current.check_editable(cmd.mask)
        # "In the future" applies to a deadline this update sets; other edits must not fail
        # merely because time passed since the deadline was set.
        check_at = (
            now if "application_deadline" in cmd.mask else datetime.min.replace(tzinfo=now.tzinfo)
        )
        terms = self._valid(merged, check_at, prefix="posting.")
        after, events = current.edit(terms, changed_fields(current.terms, terms), now)
        if not events:
            return current
        after = replace(after, company_name=await self._company_name(after.company_id))
        return await self._repo.save(loaded, after, events, cause)

    async def publish(self, posting_id: str, expected_version: int, cause: Cause) -> Posting:
        """PublishPosting: after validating everything again, the automatic review checks
        (`domain.review`): none found for a verified company, DRAFT -> OPEN (PostingPublished);
        any finding, -> PENDING_REVIEW (PostingSubmittedForReview)."""
        loaded = await self._managed(posting_id, cause.actor, expected_version)
        now = self._clock.now()
        loaded.posting.publish(now)  # the state check first: a wrong state is reported as such
        try:
            self._valid(loaded.posting.terms, now, prefix="")
        except InvalidArgument as exc:
            problems = "; ".join(f"{v.field}: {v.description}" for v in exc.violations)
            raise FailedPrecondition(f"the draft cannot be published: {problems}") from exc
        company = await self._companies.load(loaded.posting.company_id)
        verified = company is not None and company.verified
        findings = automatic_findings(loaded.posting.terms, verified, self._policy.prohibited_work)
        named = replace(
            loaded.posting, company_name=company.profile.display_name if company else ""
        )
        after, events = moderation.publish(named, findings, now)
        saved = await self._repo.save(loaded, after, events, cause)
        if findings:
            metrics.SENT_TO_REVIEW.labels("publish").inc()
        for finding in findings:
            metrics.REVIEW_FINDINGS.labels(finding.code).inc()
        return saved

    async def close(self, posting_id: str, expected_version: int, cause: Cause) -> Posting:
        """ClosePosting: OPEN -> CLOSED; emits PostingClosed (and PostingCompleted when every
        hired engagement already ended)."""
        loaded = await self._managed(posting_id, cause.actor, expected_version)
        after, events = loaded.posting.close(self._clock.now())
        return await self._repo.save(loaded, after, events, cause)

    async def cancel(
        self, posting_id: str, reason: str, expected_version: int, cause: Cause
    ) -> Posting:
        """CancelPosting: -> CANCELLED while nobody is hired; emits PostingCancelled."""
        loaded = await self._managed(posting_id, cause.actor, expected_version)
        after, events = loaded.posting.cancel(reason.strip(), self._clock.now())
        return await self._repo.save(loaded, after, events, cause)

    async def decide(
        self, posting_id: str, university_id: str, decision: Decision, reason: str, cause: Cause
    ) -> Posting:
        """Approve/DeclinePostingForUniversity: emits PostingApprovedForUniversity or
        PostingDeclinedForUniversity."""
        loaded = await self._repo.load(posting_id)
        posting, university = access.university_for_decision(
            cause.actor, loaded.posting if loaded else None, posting_id, university_id
        )
        assert loaded is not None  # university_for_decision raised otherwise
        after, events = posting.decide(university, decision, reason.strip(), self._clock.now())
        return await self._repo.save(loaded, after, events, cause)

    async def _managed(self, posting_id: str, actor: Actor, expected_version: int) -> Loaded:
        loaded = await self._repo.load(posting_id)
        access.require_manager(actor, loaded.posting if loaded else None, posting_id)
        assert loaded is not None
        if expected_version and loaded.posting.version != expected_version:
            raise ConcurrencyConflict(
                f"posting {posting_id} is at version {loaded.posting.version}, "
                f"not {expected_version}"
            )
        return loaded

    async def _company_name(self, company_id: str) -> str:
        company = await self._companies.load(company_id)
        return company.profile.display_name if company else ""

    def _valid(self, terms: Terms, now: datetime, prefix: str) -> Terms:
        try:
            validate_terms(terms, self._policy, now)
        except InvalidArgument as exc:
            fee_refused = any(v.field == "fee.amount_minor" for v in exc.violations)
            # A fee above the platform maximum is refused too, but it is not underpaid work.
            if fee_refused and terms.fee.amount_minor <= self._policy.max_amount_minor:
                metrics.PAY_FLOOR_REJECTIONS.inc()
            exc.violations = [replace(v, field=prefix + v.field) for v in exc.violations]
            raise
        return normalized(terms)
