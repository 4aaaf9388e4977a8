"""Applying right after a posting is published: the one place the projection's lag shows.

This service learns of a posting from its events, moments (typically well under a second)
after the postings service has answered the employer and GetPosting already shows the posting
OPEN. A student applying in that window would otherwise get a misleading "posting not found".
So, for a posting that is not open *here* but plausibly just published (a public draft in the
projection, or a posting unknown here whose id was made recently), the request first waits a
little for the projection to catch up (polling its document by `_id`, bounded by
`Deps.catch_up_seconds`); if it is still not open, the answer is `PostingNotReady`
(FAILED_PRECONDITION with RetryInfo: the gateway answers 409 with Retry-After), never a 404.
Anything else keeps its answer at once (an old unknown id: NOT_FOUND).
"""

from __future__ import annotations

import asyncio
import time

from applications.domain import errors
from applications.domain.posting import PostingStatus, PostingView
from applications.handlers.ports import Deps
from stint.kit.ids import created_ms, is_id

POLL_SECONDS = 0.1


async def posting_to_apply(deps: Deps, posting_id: str, university_id: str) -> PostingView:
    """The projection of the posting a student of `university_id` applies to, once it is
    known here and no longer a draft; raises PostingNotReady (retry) or PostingNotFound."""
    view = await deps.postings.get(posting_id)
    if not _maybe_just_published(deps, posting_id, view, university_id):
        return _known(posting_id, view)
    until = time.monotonic() + deps.catch_up_seconds
    while time.monotonic() < until:
        await asyncio.sleep(POLL_SECONDS)
        view = await deps.postings.get(posting_id)
        if not _maybe_just_published(deps, posting_id, view, university_id):
            return _known(posting_id, view)
    raise errors.PostingNotReady(
        f"posting {posting_id} is not open for applications yet; if it was just published, "
        "retry in a moment"
    )


def _known(posting_id: str, view: PostingView | None) -> PostingView:
    if view is None:
        raise errors.PostingNotFound(f"posting {posting_id} not found")
    return view


def _maybe_just_published(
    deps: Deps, posting_id: str, view: PostingView | None, university_id: str
) -> bool:
    if view is not None:
        # A draft this student could see once open (a university-aimed one needs an approval,
        # which only an open posting gets: it stays NOT_FOUND, as before).
        return view.status is PostingStatus.DRAFT and view.visible_to(university_id)
    if not is_id(posting_id, "pst"):
        return False
    # In milliseconds: an id can carry a time no datetime holds (a made-up one, year 10889).
    age_ms = deps.clock.now().timestamp() * 1000 - created_ms(posting_id)
    return abs(age_ms) <= deps.not_ready_window.total_seconds() * 1000
