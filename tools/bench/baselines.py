"""Bare round trips on the same machine, in the same run, for scale: what one Kafka hop, one
gRPC call, one HTTP request and one database write+read cost without the platform's code."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from google.protobuf.wrappers_pb2 import StringValue
from pymongo import AsyncMongoClient

from tools.bench.report import GRPC, HTTP, KAFKA, MONGO, Result
from tools.bench.servers import ECHO_METHOD
from tools.bench.stack import ROOT, Stack, free_port
from tools.bench.stats import Summary

WARMUP = 20


async def _timed(n: int, once: Callable[[int], Awaitable[object]]) -> list[float]:
    """n sequential round trips after a warm-up (connections, JIT-ish caches, metadata)."""
    for i in range(WARMUP):
        await once(-1 - i)
    seconds: list[float] = []
    for i in range(n):
        started = time.perf_counter()
        await once(i)
        seconds.append(time.perf_counter() - started)
    return seconds


async def kafka(bootstrap: str, topic: str, n: int) -> list[float]:
    """produce → consume of one small message on the platform's broker."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        await producer.send_and_wait(topic, b"create", partition=0)  # auto-creates the topic
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        await consumer.seek_to_end(partition)

        async def once(i: int) -> None:
            await producer.send_and_wait(topic, str(i).encode(), partition=0)
            await consumer.getone()

        return await _timed(n, once)
    finally:
        await consumer.stop()
        await producer.stop()


@contextlib.asynccontextmanager
async def _server(kind: str) -> AsyncIterator[int]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603, ASYNC220 (our own module; short-lived)
        [sys.executable, "-m", "tools.bench.servers", kind, str(port)], cwd=ROOT
    )
    try:
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def grpc_echo(n: int) -> list[float]:
    async with _server("grpc") as port, grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_unary(
            ECHO_METHOD,
            request_serializer=StringValue.SerializeToString,
            response_deserializer=StringValue.FromString,
        )

        async def once(i: int) -> None:
            await call(StringValue(value=f"ping {i}"), timeout=5)

        return await _timed(n, once)


async def http_hello(n: int) -> list[float]:
    async with _server("http") as port, httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:

        async def once(_: int) -> None:
            (await c.get("/hello")).raise_for_status()

        return await _timed(n, once)


async def mongo(uri: str, database: str, n: int) -> list[float]:
    """insert_one + find_one by _id on the platform's FerretDB, in a throw-away database."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(uri)
    try:
        docs = client[database]["roundtrip"]

        async def once(i: int) -> None:
            await docs.insert_one({"_id": i, "payload": "x" * 64})
            await docs.find_one({"_id": i})

        return await _timed(n, once)
    finally:
        await client.drop_database(database)
        await client.close()


async def run_all(
    stack: Stack, n: int, result: Result, run_id: str, say: Callable[[str], None]
) -> None:
    """Every baseline, n round trips each; a failing one only drops its figures and ratios."""
    measured: dict[str, Callable[[], Awaitable[list[float]]]] = {
        KAFKA: lambda: kafka(stack.kafka_bootstrap, f"bench.baseline.{run_id}", n),
        GRPC: lambda: grpc_echo(n),
        HTTP: lambda: http_hello(n),
        MONGO: lambda: mongo(stack.mongo_uri, f"bench_baseline_{run_id}", n),
    }
    for name, measure in measured.items():
        say(f"baseline: {name} x {n}")
        try:
            summary = Summary.of_seconds(await measure())
        except Exception as error:
            result.errors[f"baseline {name}: {type(error).__name__}: {error}"] = 1
            continue
        if summary is not None:
            result.baselines[name] = summary
