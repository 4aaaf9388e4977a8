"""Concurrency levels: N lifecycles in flight at once, bounded in count and in time; and the
seeding of history (many lifecycles, as fast as the platform takes them, with progress)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from stint.kit.ids import new_id
from tools.bench.api import Api
from tools.bench.lifecycle import Tenant, Timings, lifecycle, new_tenant
from tools.bench.stats import Samples
from tools.bench.webhooks import Receiver

LIFECYCLE_TIMEOUT = 180.0  # one lifecycle at a level; 16 at once on a slow platform take ~1 min
SEED_TIMEOUT = 300.0  # while seeding history, 32 at once
PROGRESS_SECONDS = 15.0


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
    webhooks: int = 0  # deliveries the receiver got during the level

    @property
    def per_second(self) -> float:
        return self.completed / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


class Tenants:
    """Companies with webhook endpoints, one per worker, created before they are needed."""

    def __init__(self, api: Api, receiver: Receiver) -> None:
        self._api, self._receiver = api, receiver
        self.all: list[Tenant] = []

    async def at_least(self, n: int) -> list[Tenant]:
        while len(self.all) < n:
            self.all.append(await new_tenant(self._api, self._receiver))
        return self.all[:n]


async def _drive(
    level: Level,
    api: Api,
    tenants: list[Tenant],
    receiver: Receiver,
    timeout: float,
    result: LevelResult,
    until_completed: bool = False,
) -> LevelResult:
    """`level.count` lifecycles started (or, `until_completed`, completed: failures are
    replaced, up to a tenth of the count), `level.concurrency` at a time."""
    numbers = itertools.count()
    started, received = time.perf_counter(), receiver.received
    stop_starting = started + level.budget_seconds
    spare_failures = level.count // 10 + 5 if until_completed else 0

    async def worker(tenant: Tenant) -> None:
        while time.perf_counter() < stop_starting:
            if next(numbers) >= level.count + min(result.failed, spare_failures):
                return
            if until_completed and result.completed >= level.count:
                return
            try:
                async with asyncio.timeout(timeout + 10):
                    timings = await lifecycle(api, tenant, receiver, new_id("stu"), timeout)
                result.timings.append(timings)
                result.completed += 1
            except Exception as error:  # a failed lifecycle is a figure too
                result.errors[f"{type(error).__name__}: {str(error)[:160]}"] += 1

    await asyncio.gather(*(worker(tenants[i % len(tenants)]) for i in range(level.concurrency)))
    result.wall_seconds = time.perf_counter() - started
    result.webhooks = receiver.received - received
    return result


async def run_level(level: Level, api: Api, tenants: Tenants, receiver: Receiver) -> LevelResult:
    companies = await tenants.at_least(level.concurrency)
    result = LevelResult(level.concurrency, samples=api.samples)
    return await _drive(level, api, companies, receiver, LIFECYCLE_TIMEOUT, result)


async def seed(
    count: int,
    concurrency: int,
    api: Api,
    tenants: Tenants,
    receiver: Receiver,
    say: Callable[[str], None],
) -> LevelResult:
    """`count` completed lifecycles of history, `concurrency` at a time, reporting progress."""
    companies = await tenants.at_least(concurrency)
    level = Level(concurrency, count, math.inf)
    started, result = time.perf_counter(), LevelResult(concurrency, samples=api.samples)
    task = asyncio.create_task(
        _drive(level, api, companies, receiver, SEED_TIMEOUT, result, until_completed=True)
    )
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=PROGRESS_SECONDS)
            if done:
                return task.result()
            say(progress(result, count, time.perf_counter() - started))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def progress(result: LevelResult, count: int, seconds: float) -> str:
    done = result.completed
    rate = done / seconds if seconds else 0.0
    eta = f", about {(count - done) / rate / 60:.0f} min to go" if rate and done < count else ""
    failed = f", {result.failed} failed" if result.failed else ""
    return f"  history: {done}/{count} lifecycles in {seconds:.0f} s ({rate:.2f}/s{failed}){eta}"
