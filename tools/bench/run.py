"""The bench's phases on a private stack: baselines and an idle window on the quiet stack, the
load levels, an idle window after them, then (with --history) history seeded through the REST
API, a level and an idle window again. Every platform process tree is sampled throughout, and
FerretDB's request counter read around each window; the stack is always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tools.bench import baselines
from tools.bench.api import Api
from tools.bench.figures import (
    add_levels,
    endpoints,
    history_figures,
    idle_figures,
    level_figures,
    processes,
)
from tools.bench.load import Level, LevelResult, Tenants, run_level, seed
from tools.bench.measure import BENCH, BUSY_CORES, Window, snapshot, window
from tools.bench.procs import Sampler
from tools.bench.report import Result
from tools.bench.stack import Stack
from tools.bench.stats import Samples
from tools.bench.webhooks import Receiver

LEVEL_SETTLE = 2.0  # after a level, inside its window: the last lifecycles' trailing events
# After load, before an idle window: the load's scheduled follow-up work has fired by then (each
# paid payout is checked once more when the sandbox's 60 s return window ends), so the window
# shows what the platform costs with nothing to do, not the tail of the work just done.
IDLE_SETTLE = 65.0


@dataclass(frozen=True)
class Options:
    levels: list[Level]
    baseline_samples: int
    keep_state: bool
    history: int = 2000  # lifecycles of history to seed; 0: no history phase
    history_concurrency: int = 32
    idle_seconds: float = 10.0


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def machine() -> str:
    """Cores, CPU model, kernel, and the load average at the start: other work on the machine
    (tests running beside the bench) shows up in the figures, so it is stated with them."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    load = os.getloadavg()[0]
    model = f" ({models[0]})" if models else ""
    return (
        f"{os.cpu_count()} cores{model}, Linux {platform.release()}, load avg {load:.1f} at start"
    )


def run(options: Options) -> Result:
    started = time.perf_counter()
    now = datetime.now(UTC)
    result = Result(now.strftime("%Y-%m-%d %H:%M UTC"), now.strftime("%Y%m%dT%H%M%SZ"), machine())
    state = Path(tempfile.mkdtemp(prefix="stint-bench-"))
    stack = Stack.plan(state)
    failed = True
    try:
        say(f"starting a private platform (state {state}, gateway {stack.gateway_url})")
        stack.up()
        asyncio.run(_measure(stack, options, result, now.strftime("%H%M%S")))
        failed = False
    finally:
        say("stopping the platform")
        stack.down()
        if failed or options.keep_state:
            say(f"state and logs kept in {state}")
        else:
            shutil.rmtree(state, ignore_errors=True)
    result.wall_seconds = time.perf_counter() - started
    return result


class _Phases:
    def __init__(self, stack: Stack, sampler: Sampler, client: httpx.AsyncClient) -> None:
        self.url, self.sampler, self.client = stack.metrics_url, sampler, client
        self.services = stack.service_metrics_urls
        self.receiver = Receiver()
        self.tenants = Tenants(Api(client, Samples()), self.receiver)

    async def idle(self, seconds: float, settle: float) -> Window:
        await asyncio.sleep(settle)
        before = await snapshot(self.sampler, self.url, self.services)
        await asyncio.sleep(seconds)
        return window(before, await snapshot(self.sampler, self.url, self.services))

    async def level(self, level: Level, what: str = "") -> tuple[LevelResult, Window]:
        await self.tenants.at_least(level.concurrency)  # outside the window
        say(f"load{what}: {level.count} lifecycles, {level.concurrency} at a time")
        before = await snapshot(self.sampler, self.url, self.services)
        done = await run_level(level, Api(self.client, Samples()), self.tenants, self.receiver)
        await asyncio.sleep(LEVEL_SETTLE)
        measured = window(before, await snapshot(self.sampler, self.url, self.services))
        say(
            f"  {done.completed} done, {done.failed} failed in {done.wall_seconds:.1f} s "
            f"({done.per_second:.2f}/s); rest of the machine {100 * measured.other_cores:.0f}% "
            "of a core"
        )
        return done, measured


async def _measure(stack: Stack, options: Options, result: Result, run_id: str) -> None:
    sampler = Sampler(stack.pids() | {BENCH: os.getpid()}, solo=frozenset({BENCH}))
    say(f"measuring {', '.join(sampler.pids)}")
    sampling = asyncio.create_task(sampler.run())
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    try:
        await baselines.run_all(stack, options.baseline_samples, result, run_id, say)
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30, limits=limits) as c:
            phases = _Phases(stack, sampler, c)
            await phases.receiver.start()
            try:
                await _phases(phases, options, result)
            finally:
                await phases.receiver.stop()
    finally:
        sampling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampling
    result.warnings += _warnings(result)


async def _phases(phases: _Phases, options: Options, result: Result) -> None:
    say(f"idle after start: {options.idle_seconds:.0f} s")
    idle_start = await phases.idle(options.idle_seconds, 0.0)
    result.idle.append(idle_figures("after start", idle_start))
    samples, runs, windows = Samples(), [], []
    load_before = await snapshot(phases.sampler, phases.url, phases.services)
    for level in options.levels:
        done, measured = await phases.level(level)
        runs.append(done)
        windows.append(measured)
        samples.extend(done.samples)
    load = window(load_before, await snapshot(phases.sampler, phases.url, phases.services))
    add_levels(runs, list(windows), result)
    result.endpoints = endpoints(samples)
    result.statuses = {k: dict(v) for k, v in samples.statuses.items()}
    sampler = phases.sampler
    result.processes = processes(
        load, idle_start, sampler.peak_rss_kib, sampler.last, sampler.peak_processes
    )
    result.other_cpu_seconds, result.load_seconds = load.other_cpu_seconds, load.seconds
    say(f"idle after load: {options.idle_seconds:.0f} s")
    after_load = await phases.idle(options.idle_seconds, IDLE_SETTLE)
    result.idle.append(idle_figures("after load", after_load))
    if options.history > 0 and options.levels:
        try:
            await _history(phases, options, result)
        except Exception as error:  # the figures so far still count
            result.errors[f"history phase: {type(error).__name__}: {str(error)[:160]}"] = 1


async def _history(phases: _Phases, options: Options, result: Result) -> None:
    n, concurrency = options.history, options.history_concurrency
    say(f"history: seeding {n} lifecycles through the REST API, {concurrency} at a time")
    seeding = Api(phases.client, Samples())
    seeded = await seed(n, concurrency, seeding, phases.tenants, phases.receiver, say)
    say(
        f"  history: {seeded.completed} done, {seeded.failed} failed in {seeded.wall_seconds:.0f} s"
    )
    for error, count in seeded.errors.items():
        result.errors[f"history: {error}"] = count
    await asyncio.sleep(IDLE_SETTLE)
    middle = len(options.levels) // 2
    level = options.levels[middle]
    done, measured = await phases.level(level, " with history")
    label = f"concurrency {level.concurrency}, with history"
    result.history_level = level_figures(done, measured, label)
    for error, count in done.errors.items():
        result.errors[f"with history: {error}"] = count
    say(f"idle with history: {options.idle_seconds:.0f} s")
    idle = idle_figures("with history", await phases.idle(options.idle_seconds, IDLE_SETTLE))
    result.idle.append(idle)
    empty = result.levels[middle]
    result.history = history_figures(seeded, n, empty, result.history_level, result.idle[0], idle)


def _warnings(result: Result) -> list[str]:
    """A line for every window in which the rest of the machine competed with the platform."""
    found: list[str] = []
    named = [(level.name, level.other_cores, level.machine_busy) for level in result.levels]
    if result.history_level is not None:
        h = result.history_level
        named.append((h.name, h.other_cores, h.machine_busy))
    named += [(f"idle {i.label}", i.other_cores, i.machine_busy) for i in result.idle]
    for name, cores, busy in named:
        if busy:
            found.append(
                f"the rest of the machine was busy during {name}: {100 * cores:.0f}% of a core "
                f"on average (more than {100 * BUSY_CORES:.0f}%), so its figures are pessimistic"
            )
    return found
