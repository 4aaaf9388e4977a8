"""The consumer's pure bookkeeping (`stint.kit.consumer.Partition`): which records may start,
and which offset may be committed. No Kafka: records are plain objects."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from stint.kit.lanes import Partition


@dataclass(frozen=True, eq=False)  # identity, like aiokafka's records
class Rec:
    offset: int
    key: bytes | None

    def __repr__(self) -> str:
        return f"{self.key!r}@{self.offset}"


def records(*keys: str | None, start: int = 0) -> list[Rec]:
    return [Rec(start + i, k.encode() if k is not None else None) for i, k in enumerate(keys)]


def test_one_key_is_serial_and_other_keys_start_at_once() -> None:
    part = Partition()
    a0, a1, b2, a3 = records("a", "a", "b", "a")

    assert part.add(a0) == [a0]
    assert part.add(a1) == []  # behind a0
    assert part.add(b2) == [b2]  # another key: runs beside a0
    assert part.add(a3) == []
    assert part.finish(b2) == []
    assert part.finish(a0) == [a1]
    assert part.finish(a1) == [a3]
    assert part.finish(a3) == []
    assert part.unfinished == 0


def test_the_watermark_never_passes_an_unfinished_record() -> None:
    part = Partition()
    recs = records("a", "b", "c", "d", "e")
    for r in recs:
        part.add(r)
    assert part.watermark() == 0
    assert part.unfinished == 5

    part.finish(recs[2])
    part.finish(recs[3])
    assert part.watermark() == 0  # offsets 2 and 3 are done, but 0 is not
    part.finish(recs[0])
    assert part.watermark() == 1
    part.finish(recs[1])
    assert part.watermark() == 4  # 1, 2 and 3 now all done: up to the unfinished 4
    part.finish(recs[4])
    assert part.watermark() == 5  # everything done: one past the last record
    assert part.unfinished == 0


def test_commitable_only_when_the_watermark_moved_past_the_last_commit() -> None:
    part = Partition()
    assert part.commitable() is None  # nothing seen: nothing to say
    [a0, a1] = records("a", "a")
    part.add(a0)
    part.add(a1)
    assert part.commitable() == 0  # committing 0 is harmless and truthful
    part.committed = 0
    assert part.commitable() is None
    part.finish(a0)
    assert part.commitable() == 1
    part.committed = 1
    part.finish(a1)
    assert part.commitable() == 2


def test_offset_gaps_and_refetched_records() -> None:
    part = Partition()
    r10, r15 = Rec(10, b"a"), Rec(15, b"b")
    assert part.add(r10) == [r10]
    assert part.add(r15) == [r15]
    assert part.add(Rec(10, b"a")) == []  # seen already: not twice in its lane
    part.finish(r15)
    assert part.watermark() == 10
    part.finish(r10)
    assert part.watermark() == 16
    assert part.unfinished == 0


def test_a_keyless_record_waits_for_everything_before_it_and_holds_everything_after() -> None:
    part = Partition()
    a0, n1, b2, c3, n4, d5 = records("a", None, "b", "c", None, "d")

    assert part.add(a0) == [a0]
    assert part.add(n1) == []  # a0 still running
    assert part.add(b2) == []  # behind the keyless record, though its key is free
    assert part.add(c3) == []
    assert part.add(n4) == []
    assert part.add(d5) == []
    assert part.finish(a0) == [n1]
    assert part.finish(n1) == [b2, c3]  # released up to the next keyless record
    assert part.finish(b2) == []
    assert part.finish(c3) == [n4]
    assert part.finish(n4) == [d5]
    assert part.finish(d5) == []
    assert part.watermark() == 6


def test_keyless_records_in_a_row_run_one_by_one() -> None:
    part = Partition()
    n0, n1, a2 = records(None, None, "a")
    assert part.add(n0) == [n0]
    assert part.add(n1) == []
    assert part.add(a2) == []
    assert part.finish(n0) == [n1]
    assert part.finish(n1) == [a2]


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(st.sampled_from(["a", "b", "c", "d", None]), min_size=1, max_size=60),
    rnd=st.randoms(use_true_random=False),
)
def test_any_interleaving_keeps_key_order_and_a_truthful_watermark(
    keys: list[str | None], rnd: random.Random
) -> None:
    """Records arrive in batches and finish in any order the rules allow: every record runs
    exactly once, after all earlier records of its key (all earlier records, if keyless, and
    all earlier keyless ones), and the watermark is always the lowest unfinished offset."""
    recs = records(*keys)
    part = Partition()
    running: list[Rec] = []
    done: set[int] = set()
    started: list[Rec] = []
    arrived = 0

    def start(ready: list[Rec]) -> None:
        for r in ready:
            earlier = recs[: r.offset]
            must_be_done = [e for e in earlier if r.key is None or e.key is None or e.key == r.key]
            assert all(e.offset in done for e in must_be_done), (r, must_be_done, done)
            assert r not in started
            started.append(r)
            running.append(r)

    while len(done) < len(recs):
        if arrived < len(recs) and (not running or rnd.random() < 0.5):
            batch = recs[arrived : arrived + rnd.randint(1, 5)]
            arrived += len(batch)
            for r in batch:
                start(part.add(r))
        else:
            assert running, "stuck: nothing runs, records remain"
            r = running.pop(rnd.randrange(len(running)))
            done.add(r.offset)
            start(part.finish(r))
        unfinished = [r.offset for r in recs[:arrived] if r.offset not in done]
        assert part.watermark() == (min(unfinished) if unfinished else arrived)
        assert part.unfinished == len(unfinished)

    assert sorted(r.offset for r in started) == list(range(len(recs)))
