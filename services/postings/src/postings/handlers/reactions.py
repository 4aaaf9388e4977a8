"""What the platform does on its own: facts consumed from other services (hires, ended
engagements, applications) and the expiry timer. Each reloads and decides again when another
write landed in between (`stint.kit.conflicts`), then lets the bus or the timer retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from postings.domain.errors import PostingNotFound
from postings.domain.events import DomainEvent
from postings.domain.model import Posting
from postings.handlers.ports import Repository
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict

# What a consumed event does to a posting: the new state and its events (the same posting
# when there is nothing to change).
Change = Callable[[Posting, datetime], tuple[Posting, list[DomainEvent]]]


class PostingReactions:
    def __init__(self, repository: Repository, clock: Clock) -> None:
        self._repo = repository
        self._clock = clock

    async def apply_consumed(
        self, posting_id: str, event_id: str, cause: Cause, change: Change
    ) -> bool:
        """Apply a consumed event's `change` once: skipped when the event id was already
        applied, and the id is remembered in the same write as the effect. True when it changed
        the posting. A popular posting takes many concurrent writes (applications, hires)."""

        async def attempt() -> bool:
            loaded = await self._repo.load(posting_id)
            if loaded is None:
                raise PostingNotFound(posting_id)  # retried, then dead-lettered by the bus
            if event_id in loaded.applied_events:
                return False
            after, events = change(loaded.posting, self._clock.now())
            if after is loaded.posting:
                return False  # nothing to change (e.g. the same hire under a new event id)
            await self._repo.save(loaded, after, events, cause, applied=event_id)
            return True

        return await retry_on_conflict(attempt)

    async def expire(self, posting_id: str) -> None:
        """The timer: an OPEN posting past its application deadline becomes CLOSED
        (PostingClosed; the company still chooses); a CLOSED one past its decision deadline
        ends its selection (PostingDecisionDeadlinePassed, + PostingExpired when nobody was
        hired, or PostingCompleted when the hired work ended already). Always rewrites it so
        that the timer field the claim pushed forward is set from the state again. A hire that
        lands meanwhile makes it decide again; the timer fires again when its lease ends."""

        async def attempt() -> None:
            loaded = await self._repo.load(posting_id)
            if loaded is None:
                return
            after, events = loaded.posting.expire(self._clock.now())
            await self._repo.save(loaded, after, events, Cause.system())

        await retry_on_conflict(attempt)
