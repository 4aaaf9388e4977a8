"""The CloudEvents envelope: headers out, headers in, the outbox form, and `new_envelope`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.struct_pb2 import Struct
from google.protobuf.wrappers_pb2 import StringValue

from stint.kit.envelope import (
    CONTENT_TYPE,
    REQUIRED_HEADERS,
    SPECVERSION,
    Envelope,
    MalformedEnvelope,
    dataschema,
    new_envelope,
)
from stint.kit.ids import is_id
from stint.kit.testing.clock import ManualClock

TOPIC = "stint.postings.v1"
Headers = Sequence[tuple[str, bytes | None]]
# RFC 3339 date-time in UTC with the "Z" designator, optional fraction of a second.
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")


def make_envelope(
    *, time: datetime = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC), traceparent: str = ""
) -> Envelope:
    return Envelope(
        id="evt_01jd3k0000000000000000000a",
        type="stint.postings.v1.PostingPublished",
        source="/stint/postings",
        subject="pst_01jd3k0000000000000000000b",
        time=time,
        topic=TOPIC,
        key="pst_01jd3k0000000000000000000b",
        data=b"\x0a\x03abc",
        traceparent=traceparent,
    )


def wire_headers(envelope: Envelope) -> list[tuple[str, bytes]]:
    """The headers as a consumer sees them: a list of (name, raw bytes)."""
    return [(name, value.encode()) for name, value in envelope.headers().items()]


def parse(headers: Headers) -> Envelope:
    return Envelope.from_record(TOPIC, b"pst_1", b"payload", headers)


def without(headers: Headers, name: str) -> list[tuple[str, bytes | None]]:
    return [(n, v) for n, v in headers if n != name]


def with_header(headers: Headers, name: str, value: bytes) -> list[tuple[str, bytes | None]]:
    return [*without(headers, name), (name, value)]


# --- headers() ----------------------------------------------------------------------------


def test_headers_carry_every_cloudevents_attribute() -> None:
    envelope = make_envelope()

    headers = envelope.headers()

    assert headers == {
        "ce_specversion": "1.0",
        "ce_id": envelope.id,
        "ce_source": "/stint/postings",
        "ce_type": "stint.postings.v1.PostingPublished",
        "ce_time": "2026-03-04T05:06:07.890123Z",
        "ce_subject": envelope.subject,
        "ce_dataschema": "https://stint.dev/schemas/proto/stint.postings.v1.PostingPublished",
        "content-type": "application/protobuf",
    }
    assert set(REQUIRED_HEADERS) <= set(headers)
    assert (SPECVERSION, CONTENT_TYPE) == ("1.0", "application/protobuf")


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime(2026, 1, 1, tzinfo=UTC), "2026-01-01T00:00:00Z"),
        (datetime(2026, 12, 31, 23, 59, 59, 1000, tzinfo=UTC), "2026-12-31T23:59:59.001000Z"),
        (datetime(2026, 6, 1, 12, tzinfo=timezone(timedelta(0))), "2026-06-01T12:00:00Z"),
    ],
)
def test_ce_time_is_rfc3339_utc_with_z(when: datetime, expected: str) -> None:
    ce_time = make_envelope(time=when).headers()["ce_time"]

    assert ce_time == expected
    assert RFC3339_UTC.match(ce_time)


def test_traceparent_header_only_when_set() -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    assert "traceparent" not in make_envelope().headers()
    assert make_envelope(traceparent=traceparent).headers()["traceparent"] == traceparent


def test_ce_dataschema_names_the_payloads_message_type() -> None:
    """Every record gets it, from the type alone: events stored in an outbox before the header
    existed are published with it too (the outbox form has no such field)."""
    stored = make_envelope().to_document()
    assert "dataschema" not in stored
    republished = Envelope.from_document(stored).headers()

    assert republished["ce_dataschema"] == dataschema(stored["type"])
    assert dataschema("stint.payouts.v1.PayoutPaid") == (
        "https://stint.dev/schemas/proto/stint.payouts.v1.PayoutPaid"
    )


def test_consumers_ignore_ce_dataschema() -> None:
    """A record with the header parses as before, and one without it (an older producer, a
    re-driven dead letter) too."""
    envelope = make_envelope()
    headers = wire_headers(envelope)

    assert ("ce_dataschema", envelope.headers()["ce_dataschema"].encode()) in headers
    assert parse(headers) == parse(without(headers, "ce_dataschema"))
    assert parse(with_header(headers, "ce_dataschema", b"urn:someone:else")).type == envelope.type


def test_header_values_are_all_strings() -> None:
    headers = make_envelope(traceparent="00-ab-cd-01").headers()

    assert all(isinstance(v, str) and v for v in headers.values())


# --- from_record() ------------------------------------------------------------------------


@pytest.mark.parametrize("traceparent", ["", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b71-01"])
def test_from_record_round_trips_headers(traceparent: str) -> None:
    envelope = make_envelope(traceparent=traceparent)

    parsed = Envelope.from_record(
        envelope.topic, envelope.key.encode(), envelope.data, wire_headers(envelope)
    )

    assert parsed == envelope
    assert parsed.time.utcoffset() == timedelta(0)


def test_from_record_without_key_value_or_subject() -> None:
    headers = without(wire_headers(make_envelope()), "ce_subject")

    parsed = Envelope.from_record(TOPIC, None, None, headers)

    assert (parsed.key, parsed.data, parsed.subject, parsed.traceparent) == ("", b"", "", "")


def test_from_record_ignores_header_order_and_foreign_headers() -> None:
    envelope = make_envelope()
    headers = [("x-foreign", b"whatever"), *reversed(wire_headers(envelope))]

    parsed = Envelope.from_record(envelope.topic, envelope.key.encode(), envelope.data, headers)

    assert parsed == envelope


@pytest.mark.parametrize("name", REQUIRED_HEADERS)
def test_missing_required_header_is_malformed(name: str) -> None:
    headers = without(wire_headers(make_envelope()), name)

    with pytest.raises(MalformedEnvelope, match=name):
        parse(headers)


@pytest.mark.parametrize("name", REQUIRED_HEADERS)
def test_empty_required_header_is_malformed(name: str) -> None:
    headers = with_header(wire_headers(make_envelope()), name, b"")

    with pytest.raises(MalformedEnvelope, match=name):
        parse(headers)


def test_no_headers_at_all_names_every_missing_one() -> None:
    with pytest.raises(MalformedEnvelope) as caught:
        parse([])

    assert all(name in str(caught.value) for name in REQUIRED_HEADERS)


@pytest.mark.parametrize("version", [b"0.3", b"1", b"2.0", b"1.0 "])
def test_wrong_specversion_is_malformed(version: bytes) -> None:
    headers = with_header(wire_headers(make_envelope()), "ce_specversion", version)

    with pytest.raises(MalformedEnvelope, match="ce_specversion"):
        parse(headers)


@pytest.mark.parametrize("name", ["ce_source", "ce_subject", "x-foreign"])
def test_non_utf8_header_is_malformed(name: str) -> None:
    headers = with_header(wire_headers(make_envelope()), name, b"\xff\xfe")

    with pytest.raises(MalformedEnvelope, match="UTF-8"):
        parse(headers)


def test_null_header_value_counts_as_absent() -> None:
    """Kafka header values are nullable (aiokafka yields None); parsing must not crash on one:
    a null required header is missing, a null optional one is ignored."""
    envelope = make_envelope()
    headers: list[tuple[str, bytes | None]] = [*wire_headers(envelope), ("x-foreign", None)]

    assert Envelope.from_record(TOPIC, envelope.key.encode(), envelope.data, headers) == envelope
    with pytest.raises(MalformedEnvelope, match="ce_id"):
        Envelope.from_record(TOPIC, b"k", b"v", [*without(headers, "ce_id"), ("ce_id", None)])


@pytest.mark.parametrize(
    "ce_time",
    [
        b"yesterday",
        b"2026-13-01T00:00:00Z",
        b"2026-02-30T00:00:00Z",
        b"2026-01-01T25:00:00Z",
        b"1767225600",
        # Valid ISO 8601 for Python, but not RFC 3339: no UTC offset, so no instant.
        b"2026-01-01T00:00:00",
        b"2026-01-01",
    ],
)
def test_bad_ce_time_is_malformed(ce_time: bytes) -> None:
    headers = with_header(wire_headers(make_envelope()), "ce_time", ce_time)

    with pytest.raises(MalformedEnvelope, match="ce_time"):
        parse(headers)


@pytest.mark.parametrize(
    ("ce_time", "expected"),
    [
        (b"2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=UTC)),
        (b"2026-01-01T00:00:00.5Z", datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        (b"2026-01-01T02:00:00+02:00", datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_ce_time_with_offset_is_an_instant(ce_time: bytes, expected: datetime) -> None:
    headers = with_header(wire_headers(make_envelope()), "ce_time", ce_time)

    parsed = parse(headers)

    assert parsed.time == expected
    assert parsed.time.tzinfo is not None


# --- the outbox form ----------------------------------------------------------------------


@pytest.mark.parametrize("traceparent", ["", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b71-01"])
def test_document_round_trip(traceparent: str) -> None:
    envelope = make_envelope(traceparent=traceparent)

    doc = envelope.to_document()

    assert set(doc) == {
        "id",
        "type",
        "source",
        "subject",
        "time",
        "topic",
        "key",
        "data",
        "traceparent",
    }
    assert doc["time"] == envelope.time  # a BSON date, not a string
    assert Envelope.from_document(doc) == envelope


def test_from_document_tolerates_older_documents_and_binary_data() -> None:
    envelope = make_envelope()
    doc = envelope.to_document()
    del doc["traceparent"]
    doc["data"] = memoryview(envelope.data)  # as a BSON driver may hand back binary data

    restored = Envelope.from_document(doc)

    assert restored == envelope
    assert type(restored.data) is bytes


# --- new_envelope() -----------------------------------------------------------------------


def test_new_envelope_wraps_a_protobuf_event() -> None:
    clock = ManualClock(datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC))
    message = StringValue(value="héllo")

    envelope = new_envelope(
        message,
        topic=TOPIC,
        subject="pst_01jd3k0000000000000000000b",
        source="/stint/postings",
        clock=clock,
        traceparent="00-ab-cd-01",
    )

    assert envelope.type == "google.protobuf.StringValue" == StringValue.DESCRIPTOR.full_name
    assert envelope.key == envelope.subject == "pst_01jd3k0000000000000000000b"
    assert envelope.topic == TOPIC
    assert envelope.source == "/stint/postings"
    assert envelope.time == clock.now()
    assert envelope.traceparent == "00-ab-cd-01"
    assert is_id(envelope.id, "evt")
    assert envelope.data == message.SerializeToString(deterministic=True)
    assert StringValue.FromString(envelope.data) == message
    assert envelope.headers()["ce_time"] == "2026-02-03T04:05:06Z"
    assert envelope.headers()["ce_dataschema"] == (
        "https://stint.dev/schemas/proto/google.protobuf.StringValue"
    )


def test_new_envelope_ids_are_fresh() -> None:
    clock = ManualClock()
    ids = {
        new_envelope(
            StringValue(value="x"), topic=TOPIC, subject="pst_1", source="/s", clock=clock
        ).id
        for _ in range(100)
    }

    assert len(ids) == 100


def test_new_envelope_serializes_deterministically() -> None:
    """Map entries are written in key order whatever the insertion order (the default
    serializer writes them in hash-table order), so equal events have equal payloads."""
    keys = [f"k{n:02d}" for n in range(20)]
    first, second = Struct(), Struct()
    for key in keys:
        first[key] = key
    for key in reversed(keys):
        second[key] = key
    clock = ManualClock()

    def data(message: Struct) -> bytes:
        return new_envelope(message, topic=TOPIC, subject="s_1", source="/s", clock=clock).data

    assert first == second
    assert data(first) == data(second) == first.SerializeToString(deterministic=True)


def test_new_envelope_survives_the_wire() -> None:
    envelope = new_envelope(
        StringValue(value="x"), topic=TOPIC, subject="pst_1", source="/s", clock=ManualClock()
    )

    parsed = Envelope.from_record(TOPIC, b"pst_1", envelope.data, wire_headers(envelope))

    assert parsed == envelope
