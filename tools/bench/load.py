"""Concurrency levels: N lifecycles in flight at once, bounded in count and in time."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

from stint.kit.ids import new_id
from tools.bench.api import Api
from tools.bench.lifecycle import Tenant, Timings, lifecycle
from tools.bench.stats import Samples
from tools.bench.webhooks import Receiver

LIFECYCLE_TIMEOUT = 120.0


@dataclass(frozen=True)
class Level:
    concurrency: int
    count: int  # lifecycles to run at most
    budget_seconds: float  # no new lifecycle starts after this

    @classmethod
    def parse(cls, spec: str, budget_seconds: float) -> Level:
        """``"4:12"`` = 12 lifecycles, 4 at a time."""
        concurrency, _, count = spec.partition(":")
        level = cls(int(concurrency), int(count or concurrency), budget_seconds)
        if level.concurrency < 1 or level.count < level.concurrency:
            raise ValueError(
                f"bad level {spec!r}: want CONCURRENCY:COUNT with COUNT >= CONCURRENCY"
            )
        return level


@dataclass
class LevelResult:
    concurrency: int
    completed: int = 0
    wall_seconds: float = 0.0
    timings: list[Timings] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    samples: Samples = field(default_factory=Samples)

    @property
    def per_second(self) -> float:
        return self.completed / self.wall_seconds if self.wall_seconds else 0.0


async def run_level(level: Level, api: Api, tenant: Tenant, receiver: Receiver) -> LevelResult:
    result = LevelResult(level.concurrency, samples=api.samples)
    numbers = itertools.count()
    started = time.perf_counter()
    stop_starting = started + level.budget_seconds

    async def worker() -> None:
        while time.perf_counter() < stop_starting:
            n = next(numbers)
            if n >= level.count:
                return
            student = new_id("stu")
            try:
                async with asyncio.timeout(LIFECYCLE_TIMEOUT):
                    result.timings.append(await lifecycle(api, tenant, receiver, student))
                result.completed += 1
            except Exception as error:  # a failed lifecycle is a figure too
                result.errors[f"{type(error).__name__}: {str(error)[:160]}"] += 1

    await asyncio.gather(*(worker() for _ in range(level.concurrency)))
    result.wall_seconds = time.perf_counter() - started
    return result
