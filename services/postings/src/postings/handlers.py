"""Use cases of the postings context: load the posting, let the domain decide, save the new
state and its events in one write. Called by the gRPC servicer, the Kafka consumers and the
expiry timer; authorization decisions come from `domain.access`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from postings import metrics
from postings.adapters import wire
from postings.adapters.repository import Loaded
from postings.domain import access
from postings.domain.access import Actor, Scope
from postings.domain.commands import (
    Context,
    CreatePosting,
    ListQuery,
    UpdatePosting,
    changed_fields,
    merge,
    normalized,
)
from postings.domain.errors import PostingNotFound
from postings.domain.events import DomainEvent
from postings.domain.model import Decision, Posting, Terms
from postings.domain.validation import Policy, checked_query, validate_terms
from stint.kit.clock import Clock
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import ConcurrencyConflict, FailedPrecondition, InvalidArgument
from stint.kit.ids import new_id

Change = Callable[[Posting, datetime], tuple[Posting, list[DomainEvent]]]
SYSTEM = Actor(subject="", role=access.SYSTEM, org="")
# A popular posting takes many concurrent writes (applications, hires); a consumer reloads and
# decides again this many times before letting the bus retry with backoff.
CONSUMER_ATTEMPTS = 5


class Repository(Protocol):
    async def load(self, posting_id: str) -> Loaded | None: ...
    async def add(self, posting: Posting, events: list[Envelope]) -> Posting: ...
    async def save(
        self, before: Loaded, after: Posting, events: list[Envelope], applied: str = ""
    ) -> Posting: ...
    async def page(self, scope: Scope, query: ListQuery) -> tuple[list[Posting], str]: ...


class Handlers:
    def __init__(
        self,
        repository: Repository,
        events: EventFactory,
        clock: Clock,
        policy: Policy,
        new_posting_id: Callable[[], str] = lambda: new_id("pst"),
    ) -> None:
        self._repo = repository
        self._events = events
        self._clock = clock
        self._policy = policy
        self._new_id = new_posting_id

    # --- commands (gRPC) -------------------------------------------------------------------

    async def create(self, cmd: CreatePosting, ctx: Context) -> Posting:
        """CreatePosting: a validated DRAFT; emits PostingCreated."""
        company = access.company_for_new_posting(ctx.actor, cmd.company_id)
        now = self._clock.now()
        terms = self._valid(cmd.terms, now, prefix="posting.")
        posting, events = Posting.draft(self._new_id(), company, ctx.actor.subject, terms, now)
        posting = replace(posting, version=1)
        saved = await self._repo.add(posting, self._envelopes(posting, events, ctx))
        _count(events)
        return saved

    async def update(self, cmd: UpdatePosting, ctx: Context) -> Posting:
        """UpdatePosting: masked fields of a draft, or of an open posting (description, skills,
        a later deadline); emits PostingUpdated with the changed field names."""
        loaded = await self._managed(cmd.posting_id, ctx.actor, cmd.expected_version)
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
        return await self._commit(loaded, after, events, ctx)

    async def publish(self, posting_id: str, expected_version: int, ctx: Context) -> Posting:
        """PublishPosting: DRAFT -> OPEN after validating everything again; PostingPublished."""
        loaded = await self._managed(posting_id, ctx.actor, expected_version)
        now = self._clock.now()
        after, events = loaded.posting.publish(now)
        try:
            self._valid(loaded.posting.terms, now, prefix="")
        except InvalidArgument as exc:
            problems = "; ".join(f"{v.field}: {v.description}" for v in exc.violations)
            raise FailedPrecondition(f"the draft cannot be published: {problems}") from exc
        return await self._commit(loaded, after, events, ctx)

    async def close(self, posting_id: str, expected_version: int, ctx: Context) -> Posting:
        """ClosePosting: OPEN -> CLOSED; emits PostingClosed (and PostingCompleted when every
        hired engagement already ended)."""
        loaded = await self._managed(posting_id, ctx.actor, expected_version)
        after, events = loaded.posting.close(self._clock.now())
        return await self._commit(loaded, after, events, ctx)

    async def cancel(
        self, posting_id: str, reason: str, expected_version: int, ctx: Context
    ) -> Posting:
        """CancelPosting: -> CANCELLED while nobody is hired; emits PostingCancelled."""
        loaded = await self._managed(posting_id, ctx.actor, expected_version)
        after, events = loaded.posting.cancel(reason.strip(), self._clock.now())
        return await self._commit(loaded, after, events, ctx)

    async def decide(
        self, posting_id: str, university_id: str, decision: Decision, reason: str, ctx: Context
    ) -> Posting:
        """Approve/DeclinePostingForUniversity: emits PostingApprovedForUniversity or
        PostingDeclinedForUniversity."""
        loaded = await self._repo.load(posting_id)
        posting, university = access.university_for_decision(
            ctx.actor, loaded.posting if loaded else None, posting_id, university_id
        )
        assert loaded is not None  # university_for_decision raised otherwise
        after, events = posting.decide(university, decision, reason.strip(), self._clock.now())
        return await self._commit(loaded, after, events, ctx)

    # --- queries (gRPC) --------------------------------------------------------------------

    async def get(self, posting_id: str, actor: Actor) -> Posting:
        """GetPosting: the posting if the caller may see it, else not found."""
        loaded = await self._repo.load(posting_id)
        return access.require_visible(actor, loaded.posting if loaded else None, posting_id)

    async def list_postings(self, query: ListQuery, actor: Actor) -> tuple[list[Posting], str]:
        """ListPostings: one page of what the caller may see, filtered."""
        return await self._repo.page(access.scope_for(actor), checked_query(query))

    # --- consumed events and timers ---------------------------------------------------------

    async def apply_consumed(
        self, posting_id: str, event_id: str, ctx: Context, change: Change
    ) -> bool:
        """Apply a consumed event's `change` once: skipped when the event id was already
        applied, and the id is remembered in the same write as the effect. True when it changed
        the posting."""
        for attempt in range(1, CONSUMER_ATTEMPTS + 1):
            loaded = await self._repo.load(posting_id)
            if loaded is None:
                raise PostingNotFound(posting_id)  # retried, then dead-lettered by the bus
            if event_id in loaded.applied_events:
                return False
            after, events = change(loaded.posting, self._clock.now())
            if after is loaded.posting:
                return False  # nothing to change (e.g. the same hire under a new event id)
            try:
                await self._commit(loaded, after, events, ctx, applied=event_id)
                return True
            except ConcurrencyConflict:
                if attempt == CONSUMER_ATTEMPTS:
                    raise
        return False

    async def expire(self, posting_id: str) -> None:
        """Expiry timer: an OPEN posting past its deadline becomes EXPIRED (no hire; emits
        PostingExpired) or CLOSED (some hires; PostingClosed). Always rewrites the posting so
        that the timer field the claim pushed forward is set from the state again."""
        for attempt in range(1, CONSUMER_ATTEMPTS + 1):
            loaded = await self._repo.load(posting_id)
            if loaded is None:
                return
            after, events = loaded.posting.expire(self._clock.now())
            try:
                await self._commit(loaded, after, events, Context(SYSTEM))
                return
            except ConcurrencyConflict:  # e.g. a hire landed meanwhile: decide again
                if attempt == CONSUMER_ATTEMPTS:
                    raise  # the timer fires again when its lease ends

    # --- helpers -----------------------------------------------------------------------------

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

    async def _commit(
        self,
        loaded: Loaded,
        after: Posting,
        events: list[DomainEvent],
        ctx: Context,
        applied: str = "",
    ) -> Posting:
        after = replace(after, version=loaded.posting.version + 1)
        saved = await self._repo.save(loaded, after, self._envelopes(after, events, ctx), applied)
        _count(events)
        return saved

    def _envelopes(
        self, posting: Posting, events: list[DomainEvent], ctx: Context
    ) -> list[Envelope]:
        return [self._events(wire.event_out(e, posting, ctx), posting.id) for e in events]


def _count(events: list[DomainEvent]) -> None:
    for event in events:
        metrics.POSTING_EVENTS.labels(event.kind.value).inc()
