"""`stint.kit.tracing`: the trace carried from a span into an event, through the consumer, and
into what the consumer makes; off by default. An in-memory exporter (a pure-logic fake: no
broker, no database is involved here; the e2e suite follows a real request to its webhook)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from stint.kit import tracing
from stint.kit.bus import EventConsumer, EventRouter, RetryPolicy
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.testing.clock import ManualClock
from stint.kit.tracing_export import exporter_for

from .test_bus_dispatch import TOPIC_A, DeadLetterSink, Sleeps, record

CLOCK = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use(provider)
    try:
        yield exporter
    finally:
        tracing.use(None)


def event(text: str = "x", traceparent: str | None = None) -> Envelope:
    return new_envelope(
        StringValue(value=text),
        topic=TOPIC_A,
        subject="pst_1",
        source="/stint/test",
        clock=CLOCK,
        traceparent=traceparent,
    )


def ids(span: ReadableSpan) -> tuple[str, str]:
    ctx = span.get_span_context()
    assert ctx is not None
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")


def named(traceparent: str) -> tuple[str, str]:
    """(trace id, span id) of a W3C traceparent (the flags vary: sampled, random)."""
    version, trace_id, span_id, _flags = traceparent.split("-")
    assert version == "00"
    return trace_id, span_id


def parent_of(span: ReadableSpan) -> str:
    assert span.parent is not None, f"{span.name} has no parent"
    return format(span.parent.span_id, "016x")


def test_off_by_default_nothing_is_traced() -> None:
    assert not tracing.enabled()
    with tracing.span("work") as s:
        assert s is None
        assert tracing.current_traceparent() == ""
        assert tracing.current_trace_id() == ""
        assert event().traceparent == ""
    assert tracing.grpc_server_interceptors() == []
    assert tracing.kafka_middlewares() == ()


def test_an_event_made_in_a_span_carries_its_traceparent(spans: InMemorySpanExporter) -> None:
    with tracing.span("request"):
        made = event()
        explicit = event(traceparent="")
    (request,) = spans.get_finished_spans()
    trace_id, span_id = ids(request)
    assert named(made.traceparent) == (trace_id, span_id)
    assert made.headers()["traceparent"] == made.traceparent
    assert Envelope.from_document(made.to_document()).traceparent == made.traceparent
    assert explicit.traceparent == "", "an explicit traceparent wins over the current span"
    assert event().traceparent == "", "outside a span there is nothing to carry"


def test_continued_makes_the_stored_context_current(spans: InMemorySpanExporter) -> None:
    with tracing.span("request"):
        stored = event().traceparent
    with tracing.continued(stored), tracing.span("publish"):
        pass
    request, publish = spans.get_finished_spans()
    assert ids(publish)[0] == ids(request)[0]
    assert parent_of(publish) == ids(request)[1]
    with tracing.continued(""):
        assert tracing.current_traceparent() == ""


async def test_a_consumed_record_is_a_child_of_its_producer_and_so_is_what_it_makes(
    spans: InMemorySpanExporter,
) -> None:
    made: list[Envelope] = []
    router = EventRouter()

    @router.handler(TOPIC_A, StringValue)
    async def handle(message: Any, envelope: Envelope) -> None:
        made.append(event("reaction"))  # e.g. the consumer's own outbox write

    consumer = EventConsumer("svc", router, DeadLetterSink(), RetryPolicy(), Sleeps())
    with tracing.span("request"):
        published = event()
    assert await consumer.dispatch(record(published, offset=7)) == "applied"

    request, process = spans.get_finished_spans()
    assert process.kind is SpanKind.CONSUMER
    assert process.name == f"{TOPIC_A} process"
    assert ids(process)[0] == ids(request)[0]
    assert parent_of(process) == ids(request)[1]
    attrs = dict(process.attributes or {})
    assert attrs["messaging.message.id"] == published.id
    assert attrs["messaging.kafka.message.offset"] == 7
    assert attrs["messaging.consumer.group.name"] == "svc"
    assert attrs["stint.outcome"] == "applied"
    assert named(made[0].traceparent) == ids(process)


async def test_a_dead_lettered_record_is_a_failed_span(spans: InMemorySpanExporter) -> None:
    router = EventRouter()

    @router.handler(TOPIC_A, StringValue)
    async def handle(message: Any, envelope: Envelope) -> None:
        raise RuntimeError("broken")

    consumer = EventConsumer("svc", router, DeadLetterSink(), RetryPolicy(max_attempts=1), Sleeps())
    assert await consumer.dispatch(record(event())) == "dead_lettered"
    (process,) = spans.get_finished_spans()
    assert process.status.status_code is StatusCode.ERROR
    assert process.parent is None, "an untraced event starts a trace of its own"


def test_the_file_exporter_writes_one_json_span_per_line(tmp_path: Path) -> None:
    exporter = exporter_for("postings", "file", str(tmp_path / "traces"))
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use(provider)
    try:
        with tracing.span("outer", attributes={"stint.request_id": "r1"}), tracing.span("inner"):
            # FastStream puts the record key as bytes: the SDK's own to_json cannot encode it.
            tracing.annotate({"messaging.kafka.message.key": b"pst_1"})
    finally:
        tracing.use(None)
    (written,) = (tmp_path / "traces").glob("postings-*.jsonl")
    lines = [json.loads(line) for line in written.read_text().splitlines()]
    assert [s["name"] for s in lines] == ["inner", "outer"]
    assert lines[0]["attributes"] == {"messaging.kafka.message.key": "pst_1"}
    assert lines[1]["attributes"] == {"stint.request_id": "r1"}
    assert lines[0]["parent_id"] == lines[1]["context"]["span_id"]


def test_the_file_exporter_needs_a_folder() -> None:
    with pytest.raises(ValueError, match="STINT_TRACE_DIR"):
        exporter_for("postings", "file", "")
