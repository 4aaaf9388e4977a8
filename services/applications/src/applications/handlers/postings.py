"""Consuming posting events: the projection, and the closure guarantee."""

from __future__ import annotations

from dataclasses import replace

from applications import metrics
from applications.domain.posting import PostingView, Visibility
from applications.handlers.closure import Closure
from applications.handlers.ports import Deps
from stint.kit.actor import Cause
from stint.kit.conflicts import retry_on_conflict


class PostingHandlers:
    """Keeps the local view of postings and answers applications when a posting closes."""

    def __init__(self, deps: Deps, closure: Closure) -> None:
        self._d = deps
        self._closure = closure

    async def on_posting(self, snapshot: PostingView, cause: Cause) -> PostingView:
        """Consumes every posting event (each carries the full Posting snapshot).

        The projection only moves forward: a snapshot not newer than the stored one (by the
        posting's own version) is ignored, so redelivered and out-of-order events are harmless.
        When the stored posting no longer takes candidates, every waiting application is
        rejected (ApplicationRejected, automatic) - also on a redelivery, so that a pass cut
        short by a crash is finished; each application's status guard keeps it exactly once.
        Likewise the waiting applications of students whose university declined the posting
        after approving it (reason `university_declined`).
        """

        async def project() -> PostingView:
            current = await self._d.postings.get(snapshot.id)
            if not snapshot.newer_than(current):
                metrics.POSTING_SNAPSHOTS.labels("stale").inc()
                assert current is not None  # newer_than(None) is always True
                if snapshot.decisions_over and not current.decisions_over:
                    # The deadline's event shares its snapshot with PostingExpired: its flag
                    # counts even when that one came first.
                    over = replace(current, decisions_over=True)
                    await self._d.postings.save(over, current.version)
                    return over
                return current
            new = snapshot.succeeding(current)
            await self._d.postings.save(new, current.version if current else 0)
            metrics.POSTING_SNAPSHOTS.labels("applied").inc()
            return new

        view = await retry_on_conflict(project, attempts=self._d.write_attempts)
        if view.closure_reason:
            await self._closure.close_waiting(view, cause)
        elif view.visibility is Visibility.UNIVERSITIES:
            await self._closure.close_withdrawn(view, cause)  # a decline after an approval
        return view
