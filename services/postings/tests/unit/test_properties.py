"""Properties of the hire/completion bookkeeping under any delivery order and duplicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postings.domain.events import EventKind
from postings.domain.model import Posting
from postings.domain.values import Status

# An operation: ("hire", n), ("end", n) for application app_n / engagement eng_n, or ("close", 0).
operations = st.lists(
    st.tuples(st.sampled_from(["hire", "end", "close"]), st.integers(0, 4)), max_size=25
)


# The fixtures are pure factories, safe to share between generated inputs.
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(positions=st.integers(1, 4), ops=operations)
def test_counts_and_terminal_events_whatever_the_order(
    make_posting: Callable[..., Posting], now: datetime, positions: int, ops: list
) -> None:
    posting = make_posting(Status.OPEN, positions=positions)
    emitted: list[EventKind] = []
    # A reference model in plain sets: applications stop at positions or on close, and
    # completion is terminal once every hire's engagement ended.
    hired: set[int] = set()
    ended: set[int] = set()
    stopped = completed = False
    for op, n in ops:
        if op == "hire":
            posting, events = posting.record_hire(f"app_{n}", now)
            hired.add(n)
            stopped = stopped or len(hired) >= positions
        elif op == "end":
            posting, events = posting.record_engagement_end(f"eng_{n}", True, now)
            ended.add(n)
        elif posting.status is Status.OPEN:
            # Closing, then the decision deadline passing: the selection is over.
            posting, events = posting.close(now)
            posting, more = posting.expire(now + timedelta(days=60))
            events = [*events, *more]
            stopped = True
        else:
            continue
        completed = completed or (stopped and bool(hired) and hired <= ended)
        emitted += [e.kind for e in events]

    assert posting.hired_count == len(hired)
    assert emitted.count(EventKind.FILLED) <= 1
    assert emitted.count(EventKind.COMPLETED) <= 1
    assert (posting.status is Status.COMPLETED) == completed
    assert (EventKind.COMPLETED in emitted) == completed
