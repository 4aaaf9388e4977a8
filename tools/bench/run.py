"""The bench's phases on a private stack: baselines on the quiet stack, then the load levels,
with every platform process sampled throughout; the stack is always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from stint.kit.ids import new_id
from tools.bench import baselines
from tools.bench.api import Api, bearer
from tools.bench.lifecycle import Tenant
from tools.bench.load import Level, LevelResult, run_level
from tools.bench.procs import Reading, Sampler, machine_busy
from tools.bench.report import (
    ALL_REQUESTS,
    GRPC,
    HTTP,
    KAFKA,
    MONGO,
    PAID,
    WEBHOOK,
    LevelFigures,
    ProcessFigures,
    Result,
    ratios,
)
from tools.bench.stack import Stack
from tools.bench.stats import Samples, Summary
from tools.bench.webhooks import Receiver

MIB = 1024
IDLE_SECONDS = 5.0


@dataclass(frozen=True)
class Options:
    levels: list[Level]
    baseline_samples: int
    keep_state: bool


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


async def _measure(stack: Stack, options: Options, result: Result, run_id: str) -> None:
    sampler = Sampler(stack.pids() | {"bench (load generator)": os.getpid()})
    sampling = asyncio.create_task(sampler.run())
    try:
        await _baselines(stack, options.baseline_samples, result, run_id)
        # The quiet platform's own cost (timers and relays polling), to tell it from the load's.
        idle_start = sampler.sample()
        await asyncio.sleep(IDLE_SECONDS)
        idle = _cpu_delta(idle_start, sampler.sample())
        before, busy_before = sampler.sample(), machine_busy()
        load_started = time.perf_counter()
        levels = await _load(stack, options.levels, result, run_id)
        load_seconds = time.perf_counter() - load_started
        after, busy = sampler.sample(), machine_busy() - busy_before
    finally:
        sampling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampling
    _level_figures(levels, result)
    result.processes = _processes(before, after, idle, sampler.peak_rss_kib, load_seconds)
    # Work of anything else on the machine (other people's tests) competed with the platform.
    others = max(0.0, busy - sum(p.cpu_seconds for p in result.processes.values()))
    result.other_cpu_seconds, result.load_seconds = others, load_seconds
    result.ratios = ratios(result)


async def _baselines(stack: Stack, n: int, result: Result, run_id: str) -> None:
    measured: dict[str, Callable[[], Awaitable[list[float]]]] = {
        KAFKA: lambda: baselines.kafka(stack.kafka_bootstrap, f"bench.baseline.{run_id}", n),
        GRPC: lambda: baselines.grpc_echo(n),
        HTTP: lambda: baselines.http_hello(n),
        MONGO: lambda: baselines.mongo(stack.mongo_uri, f"bench_baseline_{run_id}", n),
    }
    for name, measure in measured.items():
        say(f"baseline: {name} x {n}")
        try:
            summary = Summary.of_seconds(await measure())
        except Exception as error:  # a missing baseline only drops its ratios
            result.errors[f"baseline {name}: {type(error).__name__}: {error}"] = 1
            continue
        if summary is not None:
            result.baselines[name] = summary


async def _load(
    stack: Stack, levels: list[Level], result: Result, run_id: str
) -> list[LevelResult]:
    samples = Samples()
    receiver = Receiver()
    await receiver.start()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30, limits=limits) as c:
            api = Api(c, samples)
            company = new_id("cmp")  # payouts accepts real ids only
            tenant = Tenant(company, bearer("employer", new_id("usr"), org=company))
            hook = {"url": receiver.url, "event_types": ["submission.approved"]}
            await api.call("POST", "/v1/webhooks/endpoints", tenant.employer, hook, 201)
            done = []
            for level in levels:
                say(f"load: {level.count} lifecycles, {level.concurrency} at a time")
                done.append(await run_level(level, Api(c, Samples()), tenant, receiver))
                samples.extend(done[-1].samples)
                say(f"  {done[-1].completed} done in {done[-1].wall_seconds:.1f} s")
    finally:
        await receiver.stop()
    result.endpoints = _endpoints(samples)
    result.statuses = {k: dict(v) for k, v in samples.statuses.items()}
    return done


def _endpoints(samples: Samples) -> dict[str, Summary]:
    found = samples.summaries()
    everything = Summary.of_seconds(samples.everything())
    if everything is not None:
        found[ALL_REQUESTS] = everything
    return found


def _level_figures(levels: list[LevelResult], result: Result) -> None:
    errors: Counter[str] = Counter()
    paid_all: list[float] = []
    hook_all: list[float] = []
    for level in levels:
        paid = [t.approve_to_paid for t in level.timings]
        hooks = [t.approve_to_webhook for t in level.timings if t.approve_to_webhook is not None]
        missing = len(level.timings) - len(hooks)
        if missing:
            errors[f"webhook not received within 60 s of the approval (c={level.concurrency})"] += (
                missing
            )
        paid_all += paid
        hook_all += hooks
        delays = {PAID: Summary.of_seconds(paid), WEBHOOK: Summary.of_seconds(hooks)}
        result.levels.append(
            LevelFigures(
                level.concurrency,
                level.completed,
                sum(level.errors.values()),
                level.wall_seconds,
                level.per_second,
                {k: v for k, v in delays.items() if v is not None},
                _endpoints(level.samples),
            )
        )
        errors.update(level.errors)
    for name, series in ((PAID, paid_all), (WEBHOOK, hook_all)):
        summary = Summary.of_seconds(series)
        if summary is not None:
            result.delays[name] = summary
    result.errors |= dict(errors)


def _cpu_delta(before: dict[str, Reading], after: dict[str, Reading]) -> dict[str, float]:
    return {n: r.cpu_seconds - before[n].cpu_seconds for n, r in after.items() if n in before}


def _processes(
    before: dict[str, Reading],
    after: dict[str, Reading],
    idle: dict[str, float],
    peaks: dict[str, int],
    seconds: float,
) -> dict[str, ProcessFigures]:
    found: dict[str, ProcessFigures] = {}
    for name, cpu in _cpu_delta(before, after).items():
        found[name] = ProcessFigures(
            cpu,
            100 * cpu / seconds if seconds else 0.0,
            100 * idle.get(name, 0.0) / IDLE_SECONDS,
            peaks.get(name, 0) / MIB,
            after[name].hwm_kib / MIB,
        )
    return found
