"""Percentiles and latency samples. Pure: no I/O, no clock."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between the closest ranks
    (numpy's default), so small samples give sensible p99s instead of always the maximum."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0..100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """Latency figures of one series, in milliseconds."""

    n: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of_seconds(cls, seconds: Sequence[float]) -> Summary | None:
        """None for an empty series (a step that never happened is not a zero latency)."""
        if not seconds:
            return None
        ms = [s * 1000 for s in seconds]
        return cls(len(ms), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), max(ms))


@dataclass
class Samples:
    """Durations (seconds) by key, e.g. ``"POST /v1/postings"``, plus HTTP status counts."""

    durations: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    def add(self, key: str, seconds: float, status: int | None = None) -> None:
        self.durations[key].append(seconds)
        if status is not None:
            self.statuses[key][status] += 1

    def extend(self, other: Samples) -> None:
        for key, series in other.durations.items():
            self.durations[key].extend(series)
        for key, counts in other.statuses.items():
            for status, n in counts.items():
                self.statuses[key][status] += n

    def summaries(self) -> dict[str, Summary]:
        found = {k: Summary.of_seconds(v) for k, v in sorted(self.durations.items())}
        return {k: s for k, s in found.items() if s is not None}

    def everything(self) -> list[float]:
        return [d for series in self.durations.values() for d in series]
