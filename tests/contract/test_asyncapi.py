"""The AsyncAPI document of the Kafka topics (the gateway's /asyncapi.json): valid AsyncAPI 3.0
as @asyncapi/parser (tools/node) reads it, and true to the protos, the topics and the envelope."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from google.protobuf.message_factory import GetMessageClass

from gateway import asyncapi
from stint.applications.v1 import events_pb2 as applications
from stint.common.v1.event_pb2 import EventContext
from stint.contracts import topics
from stint.kit.envelope import CONTENT_TYPE, new_envelope
from stint.kit.testing.clock import ManualClock
from stint.notifications.v1 import events_pb2 as notifications
from stint.payouts.v1 import events_pb2 as payouts
from stint.postings.v1 import events_pb2 as postings
from stint.postings.v1 import saved_search_pb2 as saved_searches
from stint.submissions.v1 import events_pb2 as submissions

from .node_tools import node_bin, write_json

VALIDATE = Path(__file__).parent / "asyncapi" / "validate.mjs"
# Per topic, the modules its events are declared in (events.proto, plus a feature's own file
# such as saved_search.proto), in the descriptor set's order.
EVENT_MODULES: dict[str, tuple[ModuleType, ...]] = {
    topics.POSTINGS: (postings, saved_searches),
    topics.APPLICATIONS: (applications,),
    topics.SUBMISSIONS: (submissions,),
    topics.PAYOUTS: (payouts,),
    topics.NOTIFICATIONS: (notifications,),
}


def _descriptor(topic: str, name: str) -> Any:
    """The message descriptor of event `name` (full name) of `topic`."""
    short = name.split(".")[-1]
    for module in EVENT_MODULES[topic]:
        if short in module.DESCRIPTOR.message_types_by_name:
            return module.DESCRIPTOR.message_types_by_name[short]
    raise KeyError(name)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi.document("127.0.0.1:9092")


def proto_events() -> dict[str, list[str]]:
    """Per topic, the messages of its events.proto that carry an EventContext as field 1 (read
    from the generated code, not from the descriptor set the document is made from)."""
    found: dict[str, list[str]] = {}
    for topic, modules in EVENT_MODULES.items():
        found[topic] = [
            message.full_name
            for module in modules
            for message in module.DESCRIPTOR.message_types_by_name.values()
            if (first := message.fields_by_number.get(1)) is not None
            and first.message_type is EventContext.DESCRIPTOR
        ]
    return found


def validate(document: dict[str, Any], work: Path) -> list[dict[str, str]]:
    """@asyncapi/parser's diagnostics of `document` (validate.mjs)."""
    tools = node_bin()
    checked = subprocess.run(
        ["node", str(VALIDATE), str(write_json(work / "asyncapi.json", document))],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"NODE_PATH": str(tools.parent)},
        timeout=120,
    )
    try:
        diagnostics: list[dict[str, str]] = json.loads(checked.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"validate.mjs gave no report:\n{checked.stdout}\n{checked.stderr}")
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert (checked.returncode == 1) == bool(errors), checked.stderr
    return diagnostics


def test_the_parser_finds_no_error_and_no_warning(document: dict[str, Any], tmp_path: Path) -> None:
    diagnostics = validate(document, tmp_path)
    # Information only: 3.1.0 exists; 3.0.0 is the version asked for (and the one tools read).
    assert [d for d in diagnostics if d["severity"] in ("error", "warning")] == [], diagnostics


def test_a_broken_document_fails(document: dict[str, Any], tmp_path: Path) -> None:
    broken = copy.deepcopy(document)
    operation = broken["operations"]["receive_stint_postings_v1"]
    operation["messages"].append({"$ref": "#/channels/stint.payouts.v1/messages/PayoutPaid"})
    broken["channels"]["stint.payouts.v1"]["bindings"]["kafka"]["partitions"] = 0
    codes = {d["code"] for d in validate(broken, tmp_path) if d["severity"] == "error"}
    assert {"asyncapi3-operation-messages-from-referred-channel"} <= codes, codes
    assert "asyncapi-document-resolved" in codes, codes


def test_it_is_asyncapi_3_with_a_kafka_server(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["defaultContentType"] == CONTENT_TYPE == "application/protobuf"
    assert document["servers"]["kafka"] == {
        "host": "127.0.0.1:9092",
        "protocol": "kafka",
        "description": document["servers"]["kafka"]["description"],
    }


def test_every_topic_is_a_channel_with_a_receive_operation(document: dict[str, Any]) -> None:
    channels = document["channels"]
    assert {c["address"] for c in channels.values()} == {t.name for t in topics.all_topics()}
    for spec in topics.all_topics():
        channel = channels[spec.name]
        assert channel["bindings"]["kafka"]["partitions"] == spec.partitions
        [operation] = [
            op
            for op in document["operations"].values()
            if op["channel"] == {"$ref": f"#/channels/{spec.name}"}
        ]
        assert operation["action"] == "receive"
        assert len(operation["messages"]) == len(channel["messages"])


def test_every_event_message_in_the_protos_is_on_its_topics_channel(
    document: dict[str, Any],
) -> None:
    messages = document["components"]["messages"]
    events = proto_events()
    assert sum(map(len, events.values())) >= 30  # design.md §4's catalogue, at least
    for topic, names in events.items():
        on_channel = [ref["$ref"] for ref in document["channels"][topic]["messages"].values()]
        assert on_channel == [f"#/components/messages/{name}" for name in names], topic
        spec = next(t for t in topics.DOMAIN_TOPICS if t.name == topic)
        for name in names:
            message = messages[name]
            assert message["contentType"] == "application/protobuf"
            assert message["x-protobuf-message"] == name
            assert message["headers"]["properties"]["ce_type"]["const"] == name
            assert message["bindings"]["kafka"]["key"]["description"] == spec.key
            ref = message["payload"]["$ref"].removeprefix("#/components/schemas/")
            assert ref == name
            payload = document["components"]["schemas"][name]
            assert payload["x-protobuf-message"] == name
            descriptor = _descriptor(topic, name)
            assert set(payload["properties"]) == {f.name for f in descriptor.fields}
    dead = {t.name for t in topics.all_topics()} - set(events)
    for topic in dead:
        assert list(document["channels"][topic]["messages"]) == ["DeadLetter"]


def test_headers_are_the_ones_the_envelope_sets(document: dict[str, Any]) -> None:
    clock = ManualClock(datetime(2026, 1, 15, 9, 30, tzinfo=UTC))
    for topic, names in proto_events().items():
        for name in names:
            message = GetMessageClass(_descriptor(topic, name))
            sent = new_envelope(
                message(), topic=topic, subject="pst_1", source="/stint/postings", clock=clock
            ).headers()
            schema = document["components"]["messages"][name]["headers"]
            # The kit's ce_dataschema is the document's reference for that message.
            assert sent["ce_dataschema"] == schema["properties"]["ce_dataschema"]["const"], name
            assert set(sent) <= set(schema["properties"])
            assert set(schema["required"]) <= set(sent)
            for header, value in sent.items():
                rule = schema["properties"][header]
                assert rule.get("const", value) == value, (name, header)
                assert re.search(rule.get("pattern", ""), value), (name, header)
