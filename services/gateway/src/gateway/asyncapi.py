"""The AsyncAPI 3.0 document of the Kafka topics (``GET /asyncapi.json``), generated from the
published descriptor set (stint.contracts.descriptors) and the topic spec (stint.contracts.
topics), so it cannot drift from either.

- A channel per topic of `topics.all_topics()` (address = the topic name) and a ``receive``
  operation on it: the document is written from a consumer's side, an integrator's.
- A domain topic carries the events of the Protobuf package of the same name: every message of
  ``stint.postings.v1`` whose field 1 is a ``stint.common.v1.EventContext``.
- A message per event: ``contentType`` is ``application/protobuf``, the media type the records'
  own ``content-type`` header carries (stint.kit.envelope); the ``ce_*`` headers the envelope
  sets (``ce_type`` and ``ce_dataschema`` fixed per message); the key (the aggregate id) as its
  Kafka binding; the payload as a JSON Schema of the message's JSON form (the webhooks' and the
  REST API's spelling, stint.kit.jsonschema), with ``x-protobuf-message`` naming the message in
  the descriptor set that decodes the record's value.
- A dead-letter topic carries one ``DeadLetter`` message: the original record plus ``dlq_*``.

The descriptor set itself is served at ``GET /contracts/stint.binpb``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from stint.contracts import descriptors, topics
from stint.kit import envelope
from stint.kit.jsonschema import JsonSchema, SchemaRegistry

VERSION = "3.0.0"
PATH = "/asyncapi.json"
DESCRIPTOR_SET_PATH = f"/contracts/{descriptors.FILE_NAME}"
KAFKA_BINDING = "0.5.0"
_TEXT: JsonSchema = {"type": "string"}
DEAD_LETTER = "stint.DeadLetter"


def install(app: FastAPI, kafka_bootstrap: str) -> None:
    """Serve the document and the descriptor set, public like /openapi.json."""

    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(document(kafka_bootstrap))

    async def descriptor_set() -> Response:
        return Response(descriptors.descriptor_set_bytes(), media_type=descriptors.MEDIA_TYPE)

    app.add_api_route(PATH, asyncapi_json, methods=["GET"], include_in_schema=False)
    app.add_api_route(DESCRIPTOR_SET_PATH, descriptor_set, methods=["GET"], include_in_schema=False)


def events_by_topic() -> dict[str, list[str]]:
    """The full message names of the events on each domain topic, in declaration order."""
    found: dict[str, list[str]] = {spec.name: [] for spec in topics.DOMAIN_TOPICS}
    for event in descriptors.events():
        found[event.topic].append(event.full_name)
    return found


@cache
def document(kafka_bootstrap: str) -> dict[str, Any]:
    """The whole document (built once per broker address; the descriptor set is fixed)."""
    pool = descriptors.pool()
    comments = {
        f"{file.package}.{name}": text
        for file in descriptors.descriptor_set().file
        for name, text in descriptors.leading_comments(file)
    }
    registry = SchemaRegistry()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    events = events_by_topic()
    for spec in topics.all_topics():
        names = events.get(spec.name)
        if names is None:  # a dead-letter topic
            names = [DEAD_LETTER]
            messages[DEAD_LETTER] = _dead_letter()
        else:
            for name in names:
                payload = registry.ref(pool.FindMessageTypeByName(name))
                messages[name] = _event(name, spec, comments.get(name, ""), payload)
        refs = {_short(n): {"$ref": f"#/components/messages/{n}"} for n in names}
        channels[spec.name] = {
            "address": spec.name,
            "description": _channel_description(spec, spec.name in events),
            "messages": refs,
            "bindings": {"kafka": {"partitions": spec.partitions, "bindingVersion": KAFKA_BINDING}},
        }
        operations["receive_" + spec.name.replace(".", "_")] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{spec.name}"},
            "summary": f"Consume {spec.name}.",
            "messages": [{"$ref": f"#/channels/{spec.name}/messages/{short}"} for short in refs],
        }
    for name in messages:
        if name in registry.components:
            registry.components[name]["x-protobuf-message"] = name
    hosts = [h.strip() for h in kafka_bootstrap.split(",") if h.strip()]
    return {
        "asyncapi": VERSION,
        "info": {
            "title": "Stint events",
            "version": "1.0.0",
            "description": _INFO,
        },
        "defaultContentType": envelope.CONTENT_TYPE,
        "servers": {
            "kafka": {
                "host": hosts[0] if hosts else "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The platform's broker, as published to integrators "
                f"(bootstrap: {', '.join(hosts)}).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": registry.components},
    }


_INFO = (
    "Every record's value is one Protobuf event, serialized; its CloudEvents 1.0 attributes "
    "are `ce_*` headers (Kafka binary mode); its key is the id of the aggregate it is about, so "
    "one aggregate's events keep their order on one partition. `ce_type` is the full message "
    "name, `ce_dataschema` a URI naming it: decode the value with that message from the "
    f"descriptor set served at `{DESCRIPTOR_SET_PATH}` (every .proto, with imports and "
    "comments). A payload schema here is the message's JSON form (proto field names, enum "
    "names, 64-bit integers as strings), as webhooks and the REST API spell it. Delivery is at "
    "least once: deduplicate on `ce_id`; ignore `ce_type`s you do not know."
)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _channel_description(spec: topics.TopicSpec, domain: bool) -> str:
    if domain:
        return f"The events of `{spec.name}` (Protobuf package). Key: {spec.key}."
    return (
        "Records a consuming service gave up on (operators re-drive them: `make dlq`). "
        f"Key: {spec.key}."
    )


def _event(name: str, spec: topics.TopicSpec, comment: str, payload: JsonSchema) -> JsonSchema:
    summary, _, more = comment.partition("\n\n")
    value = f"The value is `{name}`, binary Protobuf; the payload schema is its JSON form."
    return {
        "name": _short(name),
        "title": _short(name),
        "summary": summary.replace("\n", " ") or _short(name),
        "description": f"{more}\n\n{value}" if more else value,
        "contentType": envelope.CONTENT_TYPE,
        "headers": _headers(name),
        "payload": payload,
        "bindings": {"kafka": {"key": _key(spec), "bindingVersion": KAFKA_BINDING}},
        "x-protobuf-message": name,
    }


def _key(spec: topics.TopicSpec) -> JsonSchema:
    return {**_TEXT, "description": spec.key}


def _headers(name: str) -> JsonSchema:
    """The headers `stint.kit.envelope.Envelope.headers` sets for an event of type `name`."""
    properties: dict[str, JsonSchema] = {
        "ce_specversion": {**_TEXT, "const": envelope.SPECVERSION},
        "ce_id": {**_TEXT, "pattern": "^evt_", "description": "unique; deduplicate on it"},
        "ce_source": {**_TEXT, "pattern": "^/stint/[a-z_]+$", "description": "the service"},
        "ce_type": {**_TEXT, "const": name},
        "ce_time": {**_TEXT, "format": "date-time", "description": "RFC 3339, UTC"},
        "ce_subject": {**_TEXT, "description": "the aggregate id, as the key"},
        "ce_dataschema": {**_TEXT, "format": "uri", "const": envelope.dataschema(name)},
        "content-type": {**_TEXT, "const": envelope.CONTENT_TYPE},
        "traceparent": {**_TEXT, "description": "W3C trace context, when traced"},
    }
    required = [*envelope.REQUIRED_HEADERS, "ce_dataschema", "content-type"]
    return {"type": "object", "properties": properties, "required": required}


def _dead_letter() -> JsonSchema:
    dlq = {
        "dlq_reason": {**_TEXT, "enum": ["malformed_envelope", "undecodable", "handler_failed"]},
        "dlq_error": {**_TEXT, "description": "the error, truncated"},
        "dlq_service": {**_TEXT, "description": "the consuming service that gave up"},
        "dlq_topic": {**_TEXT, "description": "where the record came from"},
        "dlq_partition": {**_TEXT, "pattern": "^[0-9]+$"},
        "dlq_offset": {**_TEXT, "pattern": "^[0-9]+$"},
        "dlq_attempts": {**_TEXT, "pattern": "^[0-9]+$"},
        "dlq_failed_at": {**_TEXT, "format": "date-time"},
    }
    return {
        "name": "DeadLetter",
        "title": "DeadLetter",
        "summary": "The original record (key, value, headers) plus why it was given up on.",
        "contentType": "application/octet-stream",
        "headers": {
            "type": "object",
            "properties": dlq,
            "required": list(dlq),
            "additionalProperties": {**_TEXT, "description": "the original record's headers"},
        },
        "payload": {"description": "the original record's value, unchanged"},
    }
