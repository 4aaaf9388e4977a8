"""`EventConsumer.dispatch` with in-memory fakes: routing, retries, dead letters, metrics."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from google.protobuf.wrappers_pb2 import Int64Value, StringValue
from prometheus_client import REGISTRY
from pymongo.errors import AutoReconnect

from stint.kit.bus import MAX_ERROR_HEADER, EventConsumer, EventRouter, RetryPolicy
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.logctx import ce_id_var
from stint.kit.testing.clock import ManualClock

TOPIC_A = "stint.postings.v1"
TOPIC_B = "stint.applications.v1"
FAST = RetryPolicy(max_attempts=4, backoff_seconds=0.1, backoff_max_seconds=0.3)


# --- fakes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]


@dataclass
class DeadLetterSink:
    """Collects dead letters; `fail` makes it raise like an unreachable broker."""

    calls: list[DeadLetter] = field(default_factory=list)
    fail: bool = False

    async def __call__(
        self, topic: str, key: bytes | None, value: bytes | None, headers: dict[str, str]
    ) -> None:
        if self.fail:
            raise ConnectionError("broker unreachable")
        self.calls.append(DeadLetter(topic, key, value, dict(headers)))


@dataclass
class Sleeps:
    """Records backoff delays instead of sleeping."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class Calls:
    """A handler that records what it got; fails its first `failures` calls."""

    failures: int = 0
    error: Exception = field(default_factory=lambda: RuntimeError("handler broke"))
    seen: list[tuple[Any, Envelope, str]] = field(default_factory=list)

    async def __call__(self, event: Any, envelope: Envelope) -> None:
        self.seen.append((event, envelope, ce_id_var.get()))
        if len(self.seen) <= self.failures:
            raise self.error


@dataclass
class Fixture:
    service: str
    sink: DeadLetterSink
    sleeps: Sleeps
    router: EventRouter

    def consumer(self, retry: RetryPolicy = FAST, **kwargs: str) -> EventConsumer:
        return EventConsumer(self.service, self.router, self.sink, retry, self.sleeps, **kwargs)


@pytest.fixture
def fx() -> Fixture:
    # A service name per test keeps the process-wide metric samples of tests apart.
    return Fixture(f"svc_{uuid.uuid4().hex[:8]}", DeadLetterSink(), Sleeps(), EventRouter())


def envelope_for(message: StringValue | Int64Value, topic: str = TOPIC_A) -> Envelope:
    return new_envelope(
        message,
        topic=topic,
        subject="pst_01jd3k0000000000000000000b",
        source="/stint/test",
        clock=ManualClock(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(milliseconds=5)),
    )


def record(
    envelope: Envelope | None = None,
    *,
    topic: str | None = None,
    key: bytes | None = b"pst_01jd3k0000000000000000000b",
    value: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
    partition: int = 2,
    offset: int = 41,
) -> ConsumerRecord[bytes, bytes]:
    """An in-memory consumed record (aiokafka's own dataclass; nothing touches a broker)."""
    if envelope is not None:
        topic = topic or envelope.topic
        value = envelope.data if value is None else value
        if headers is None:
            headers = [(k, v.encode()) for k, v in envelope.headers().items()]
    return ConsumerRecord(
        topic=topic or TOPIC_A,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=len(value or b""),
        headers=headers or [],
    )


def consumed(service: str, topic: str, ce_type: str, outcome: str) -> float:
    labels = {"service": service, "topic": topic, "type": ce_type, "outcome": outcome}
    return REGISTRY.get_sample_value("stint_events_consumed_total", labels) or 0.0


def dead_lettered(service: str, reason: str, topic: str = TOPIC_A) -> float:
    labels = {"service": service, "topic": topic, "reason": reason}
    return REGISTRY.get_sample_value("stint_dlq_messages_total", labels) or 0.0


def handler_failures(service: str, topic: str = TOPIC_A, ce_type: str = "") -> float:
    labels = {"service": service, "topic": topic, "type": ce_type or STRING}
    return REGISTRY.get_sample_value("stint_event_handler_failures_total", labels) or 0.0


STRING = StringValue.DESCRIPTOR.full_name
INT64 = Int64Value.DESCRIPTOR.full_name


# --- routing ------------------------------------------------------------------------------


async def test_routes_by_ce_type_to_the_handler_of_that_topic(fx: Fixture) -> None:
    a_string, a_int, b_string = Calls(), Calls(), Calls()
    fx.router.handler(TOPIC_A, StringValue)(a_string)
    fx.router.handler(TOPIC_A, Int64Value)(a_int)
    fx.router.handler(TOPIC_B, StringValue)(b_string)
    consumer = fx.consumer()
    on_b = envelope_for(StringValue(value="for b"), TOPIC_B)
    on_a = envelope_for(Int64Value(value=7), TOPIC_A)

    assert await consumer.dispatch(record(on_b)) == "applied"
    assert await consumer.dispatch(record(on_a)) == "applied"

    assert a_string.seen == []
    assert a_int.seen == [(Int64Value(value=7), on_a, on_a.id)]
    assert b_string.seen == [(StringValue(value="for b"), on_b, on_b.id)]
    assert fx.sink.calls == []
    assert fx.sleeps.delays == []


async def test_handler_sees_the_event_id_in_the_log_context_only_while_it_runs(
    fx: Fixture,
) -> None:
    handler = Calls()
    fx.router.handler(TOPIC_A, StringValue)(handler)
    envelope = envelope_for(StringValue(value="x"))

    await fx.consumer().dispatch(record(envelope))

    assert [ce_id for _, _, ce_id in handler.seen] == [envelope.id]
    assert ce_id_var.get() == ""


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        (TOPIC_A, Int64Value(value=1)),  # a type nobody handles on this topic
        (TOPIC_B, StringValue(value="x")),  # a handled type, but on another topic
    ],
)
async def test_unknown_type_is_ignored(
    fx: Fixture, topic: str, message: StringValue | Int64Value
) -> None:
    handler = Calls()
    fx.router.handler(TOPIC_A, StringValue)(handler)
    envelope = envelope_for(message, topic)
    # Unrouted types share one label value: ce_type comes off the wire (unbounded cardinality).
    before = consumed(fx.service, topic, "unrouted", "ignored")

    outcome = await fx.consumer().dispatch(record(envelope))

    assert outcome == "ignored"
    assert handler.seen == []
    assert fx.sink.calls == []
    assert consumed(fx.service, topic, "unrouted", "ignored") == before + 1
    assert consumed(fx.service, topic, envelope.type, "ignored") == 0


def test_router_refuses_two_handlers_for_one_topic_and_type() -> None:
    router = EventRouter()
    router.handler(TOPIC_A, StringValue)(Calls())
    router.handler(TOPIC_A, Int64Value)(Calls())  # another type on the same topic: fine
    router.handler(TOPIC_B, StringValue)(Calls())  # the same type on another topic: fine

    with pytest.raises(ValueError, match="two handlers"):
        router.handler(TOPIC_A, StringValue)(Calls())

    assert router.topics == sorted([TOPIC_A, TOPIC_B])
    route = router.route(TOPIC_A, STRING)
    assert route is not None
    assert route.message_type is StringValue
    assert router.route(TOPIC_B, INT64) is None


def test_router_decorator_returns_the_handler() -> None:
    router = EventRouter()
    handler = Calls()

    assert router.handler(TOPIC_A, StringValue)(handler) is handler
    route = router.route(TOPIC_A, STRING)
    assert route is not None
    assert route.handler is handler


# --- dead letters -------------------------------------------------------------------------


def assert_dlq_headers(
    letter: DeadLetter, *, service: str, reason: str, attempts: int, partition: int, offset: int
) -> None:
    h = letter.headers
    assert h["dlq_reason"] == reason
    assert h["dlq_service"] == service
    assert h["dlq_topic"] == TOPIC_A
    assert h["dlq_partition"] == str(partition)
    assert h["dlq_offset"] == str(offset)
    assert h["dlq_attempts"] == str(attempts)
    assert h["dlq_error"]
    failed_at = datetime.fromisoformat(h["dlq_failed_at"])
    assert failed_at.tzinfo is not None
    assert abs(datetime.now(UTC) - failed_at) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ([], "missing CloudEvents headers"),
        ([("ce_specversion", b"0.3"), ("ce_id", b"e"), ("ce_source", b"s")], "missing"),
        (
            [
                ("ce_specversion", b"0.3"),
                ("ce_id", b"evt_1"),
                ("ce_source", b"/s"),
                ("ce_type", b"t"),
                ("ce_time", b"2026-01-01T00:00:00Z"),
            ],
            "ce_specversion",
        ),
        ([("ce_id", b"\xff\xfe"), ("x-other", b"kept")], "UTF-8"),
    ],
)
async def test_malformed_envelope_goes_to_the_dlq_as_it_came(
    fx: Fixture, headers: list[tuple[str, bytes]], error: str
) -> None:
    handler = Calls()
    fx.router.handler(TOPIC_A, StringValue)(handler)
    raw = record(key=b"the-key", value=b"\x00raw bytes", headers=headers, partition=1, offset=9)
    before = consumed(fx.service, TOPIC_A, "unknown", "dead_lettered")
    dlq_before = dead_lettered(fx.service, "malformed_envelope")

    outcome = await fx.consumer().dispatch(raw)

    assert outcome == "dead_lettered"
    assert handler.seen == []
    [letter] = fx.sink.calls
    assert letter.topic == f"stint.dlq.{fx.service}"
    assert (letter.key, letter.value) == (b"the-key", b"\x00raw bytes")
    assert_dlq_headers(
        letter, service=fx.service, reason="malformed_envelope", attempts=0, partition=1, offset=9
    )
    assert error in letter.headers["dlq_error"]
    for name, value in headers:  # the original headers travel along (undecodable ones lossy)
        assert letter.headers[name] == value.decode(errors="replace")
    assert consumed(fx.service, TOPIC_A, "unknown", "dead_lettered") == before + 1
    assert dead_lettered(fx.service, "malformed_envelope") == dlq_before + 1


async def test_null_header_value_is_dead_lettered_not_redelivered_forever(fx: Fixture) -> None:
    """aiokafka yields None for a null header value; dispatch must still settle the record."""
    fx.router.handler(TOPIC_A, StringValue)(Calls())
    raw = record(headers=[("ce_id", None), ("x-other", b"kept")])  # type: ignore[list-item]

    outcome = await fx.consumer().dispatch(raw)

    assert outcome == "dead_lettered"
    [letter] = fx.sink.calls
    assert letter.headers["dlq_reason"] == "malformed_envelope"
    assert letter.headers["ce_id"] == ""
    assert letter.headers["x-other"] == "kept"


async def test_undecodable_payload_goes_to_the_dlq(fx: Fixture) -> None:
    handler = Calls()
    fx.router.handler(TOPIC_A, StringValue)(handler)
    envelope = envelope_for(StringValue(value="x"))
    raw = record(envelope, value=b"\xff\xff\xff", offset=77)
    before = consumed(fx.service, TOPIC_A, STRING, "dead_lettered")

    outcome = await fx.consumer().dispatch(raw)

    assert outcome == "dead_lettered"
    assert handler.seen == []
    assert fx.sleeps.delays == []  # a payload that cannot be read is not retried
    [letter] = fx.sink.calls
    assert (letter.key, letter.value) == (raw.key, b"\xff\xff\xff")
    assert_dlq_headers(
        letter, service=fx.service, reason="undecodable", attempts=0, partition=2, offset=77
    )
    assert letter.headers["ce_id"] == envelope.id
    assert letter.headers["ce_type"] == STRING
    assert consumed(fx.service, TOPIC_A, STRING, "dead_lettered") == before + 1


# --- retries ------------------------------------------------------------------------------


@pytest.mark.parametrize("attempts", [1, 2, 3, 4])
async def test_handler_failing_then_succeeding_is_applied(fx: Fixture, attempts: int) -> None:
    """Fails attempts-1 times, then succeeds within max_attempts (4)."""
    handler = Calls(failures=attempts - 1)
    fx.router.handler(TOPIC_A, StringValue)(handler)
    envelope = envelope_for(StringValue(value="x"))
    applied = consumed(fx.service, TOPIC_A, STRING, "applied")
    failures = handler_failures(fx.service)

    outcome = await fx.consumer().dispatch(record(envelope))

    assert outcome == "applied"
    assert len(handler.seen) == attempts
    assert all(env == envelope for _, env, _ in handler.seen)
    assert fx.sleeps.delays == pytest.approx([0.1, 0.2, 0.3][: attempts - 1])
    assert fx.sink.calls == []
    assert consumed(fx.service, TOPIC_A, STRING, "applied") == applied + 1
    assert consumed(fx.service, TOPIC_A, STRING, "dead_lettered") == 0
    assert handler_failures(fx.service) == failures + attempts - 1


@pytest.mark.parametrize(
    ("policy", "delays"),
    [
        (RetryPolicy(6, 0.1, 0.5), [0.1, 0.2, 0.4, 0.5, 0.5]),
        (RetryPolicy(4, 1.0, 100.0), [1.0, 2.0, 4.0]),
        (RetryPolicy(3, 0.0, 5.0), [0.0, 0.0]),
        (RetryPolicy(1, 0.2, 5.0), []),
        (RetryPolicy(), [0.2, 0.4, 0.8]),
    ],
)
async def test_always_failing_handler_is_dead_lettered_after_max_attempts(
    fx: Fixture, policy: RetryPolicy, delays: list[float]
) -> None:
    handler = Calls(failures=100, error=KeyError("no such posting"))
    fx.router.handler(TOPIC_A, StringValue)(handler)
    envelope = envelope_for(StringValue(value="x"))
    raw = record(envelope, offset=5)
    before = consumed(fx.service, TOPIC_A, STRING, "dead_lettered")

    outcome = await fx.consumer(policy).dispatch(raw)

    assert outcome == "dead_lettered"
    assert len(handler.seen) == policy.max_attempts
    assert fx.sleeps.delays == pytest.approx(delays)
    assert fx.sleeps.delays == pytest.approx([policy.delay(n) for n in range(1, len(delays) + 1)])
    [letter] = fx.sink.calls
    assert letter.topic == f"stint.dlq.{fx.service}"
    assert (letter.key, letter.value) == (raw.key, envelope.data)
    assert_dlq_headers(
        letter,
        service=fx.service,
        reason="handler_failed",
        attempts=policy.max_attempts,
        partition=2,
        offset=5,
    )
    assert letter.headers["dlq_error"] == "KeyError: 'no such posting'"
    assert letter.headers["ce_id"] == envelope.id  # the original headers travel along
    assert consumed(fx.service, TOPIC_A, STRING, "dead_lettered") == before + 1
    assert consumed(fx.service, TOPIC_A, STRING, "applied") == 0


def test_retry_delay_is_exponential_and_capped() -> None:
    policy = RetryPolicy(max_attempts=10, backoff_seconds=0.25, backoff_max_seconds=3.0)

    assert [policy.delay(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 3.0, 3.0]
    assert all(isinstance(policy.delay(n), float) for n in range(1, 7))


async def test_long_error_text_is_truncated_in_the_header(fx: Fixture) -> None:
    fx.router.handler(TOPIC_A, StringValue)(Calls(failures=100, error=ValueError("x" * 5000)))

    await fx.consumer(RetryPolicy(1)).dispatch(record(envelope_for(StringValue(value="x"))))

    [letter] = fx.sink.calls
    error = letter.headers["dlq_error"]
    assert len(error) == MAX_ERROR_HEADER
    assert error.startswith("ValueError: xxx")


async def test_dead_letter_failure_raises_so_the_offset_is_not_committed(fx: Fixture) -> None:
    fx.router.handler(TOPIC_A, StringValue)(Calls(failures=100))
    fx.sink.fail = True
    envelope = envelope_for(StringValue(value="x"))
    before = consumed(fx.service, TOPIC_A, STRING, "dead_lettered")

    with pytest.raises(ConnectionError, match="broker unreachable"):
        await fx.consumer().dispatch(record(envelope))

    assert consumed(fx.service, TOPIC_A, STRING, "dead_lettered") == before
    assert ce_id_var.get() == ""


async def test_a_database_outage_dead_letters_nothing_and_uses_no_attempt(fx: Fixture) -> None:
    calls = Calls(failures=1, error=AutoReconnect("connection refused"))
    fx.router.handler(TOPIC_A, StringValue)(calls)
    envelope = envelope_for(StringValue(value="x"))

    with pytest.raises(AutoReconnect):  # the keyed consumer retries the record: its key waits
        await fx.consumer(RetryPolicy(max_attempts=1)).dispatch(record(envelope))
    assert fx.sink.calls == []
    assert fx.sleeps.delays == [], "no handler attempt is spent waiting for the database"
    # Back again: the same record, a single attempt allowed, is applied.
    assert await fx.consumer(RetryPolicy(max_attempts=1)).dispatch(record(envelope)) == "applied"
    assert len(calls.seen) == 2


async def test_dead_letter_failure_of_a_malformed_record_raises_too(fx: Fixture) -> None:
    fx.sink.fail = True

    with pytest.raises(ConnectionError):
        await fx.consumer().dispatch(record(headers=[]))

    assert consumed(fx.service, TOPIC_A, "unknown", "dead_lettered") == 0


# --- configuration ------------------------------------------------------------------------


def test_dlq_and_group_default_to_the_service(fx: Fixture) -> None:
    consumer = fx.consumer()

    assert consumer.dlq == f"stint.dlq.{fx.service}"
    assert consumer.group_id == fx.service
    assert consumer.service == fx.service


async def test_dlq_and_group_overrides(fx: Fixture) -> None:
    fx.router.handler(TOPIC_A, StringValue)(Calls(failures=100))
    consumer = fx.consumer(RetryPolicy(1), dlq="ci7.stint.dlq.x", group_id="ci7.x")

    await consumer.dispatch(record(envelope_for(StringValue(value="x"))))

    assert (consumer.dlq, consumer.group_id) == ("ci7.stint.dlq.x", "ci7.x")
    assert [letter.topic for letter in fx.sink.calls] == ["ci7.stint.dlq.x"]
    assert fx.sink.calls[0].headers["dlq_service"] == fx.service


@pytest.fixture(autouse=True)
def _ce_id_is_clean() -> Iterator[None]:
    """No test may leak an event id into the log context of the next one."""
    assert ce_id_var.get() == ""
    yield
    assert ce_id_var.get() == ""
