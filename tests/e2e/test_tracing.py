"""One request's trace, followed from the REST call to the webhook it caused.

The session platform exports spans to one JSON-lines file per process (`STINT_TRACE_EXPORTER=
file`, stint.kit.tracing). Publishing a posting is a gateway request, a gRPC call to postings,
an event stored in the posting's outbox with the request's traceparent, a Kafka publish by the
relay, the notifications consumer, and later, from a timer, the webhook delivery: all of it one
trace, each span the child of the one before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import Platform, Receiver, auth
from .flow import posting, verify_company

Span = dict[str, Any]


def spans_of(platform: Platform) -> list[Span]:
    folder = Path(platform.env["STINT_TRACE_DIR"])
    found = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():  # a line being written is complete only with its newline
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
    return found


def service(span: Span) -> str:
    return str(span["resource"]["attributes"]["service.name"])


def ancestry(span: Span, by_id: dict[str, Span]) -> list[Span]:
    """`span`, its parent, its parent's parent, ... up to the root (as far as exported)."""
    chain = [span]
    while (parent := chain[-1].get("parent_id")) and parent in by_id:
        chain.append(by_id[parent])
    return chain


@pytest.mark.timeout(120)
async def test_a_request_is_one_trace_down_to_its_webhook(
    platform: Platform, http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    hook = await http.post(
        "/v1/webhooks/endpoints",
        json={"url": f"{receiver.url}/{company}", "event_types": ["posting.published"]},
        headers=employer,
    )
    assert hook.status_code == 201, hook.text
    await verify_company(http, employer)
    created = await http.post("/v1/postings", json=posting(f"Traced {unique}"), headers=employer)
    assert created.status_code == 201, created.text
    request_id = f"trace-{unique}"
    published = await http.post(
        f"/v1/postings/{created.json()['id']}/publish",
        json={},
        headers=employer | {"X-Request-ID": request_id},
    )
    assert published.status_code == 200, published.text
    await eventually(lambda: receiver.at(f"/{company}"), until=bool, timeout=30, what="the webhook")
    webhook_id = receiver.at(f"/{company}")[0].headers["webhook-id"]

    def exported_chain() -> tuple[list[Span], list[Span]]:
        """(the delivery span and its ancestors as far as exported, the whole trace)."""
        spans = spans_of(platform)
        deliver = next(
            (
                s
                for s in spans
                if s["name"] == "webhook deliver"
                and s["attributes"].get("webhook.id") == webhook_id
            ),
            None,
        )
        if deliver is None:
            return [], []
        trace = [s for s in spans if s["context"]["trace_id"] == deliver["context"]["trace_id"]]
        return ancestry(deliver, {s["context"]["span_id"]: s for s in trace}), trace

    # Each process exports its spans in batches every 0.5 s, in no order across processes:
    # wait until the chain reaches a root (a span without a parent).
    chain, trace = await eventually(
        exported_chain,
        until=lambda found: bool(found[0]) and found[0][-1].get("parent_id") is None,
        timeout=20,
        what="the delivery's span and all its ancestors exported",
    )
    deliver, root = chain[0], chain[-1]
    assert root["attributes"].get("stint.request_id") == request_id, "not the request's trace"
    assert (service(root), root["kind"]) == ("gateway", "SpanKind.SERVER")
    assert deliver["attributes"]["webhook.outcome"] == "succeeded"
    assert deliver["attributes"]["http.response.status_code"] == 204
    # Every hop, in order from the webhook back up to the request.
    hops = [(service(s), s["kind"]) for s in chain]
    expected = [
        ("notifications", "SpanKind.CLIENT"),  # the webhook delivery
        ("notifications", "SpanKind.CONSUMER"),  # the consumed posting.published
        ("postings", "SpanKind.PRODUCER"),  # the relay's publish (FastStream)
        ("postings", "SpanKind.SERVER"),  # the gRPC call whose write stored the event
        ("gateway", "SpanKind.CLIENT"),  # the gateway's gRPC call
        ("gateway", "SpanKind.SERVER"),  # the REST request
    ]
    compact = [hop for i, hop in enumerate(hops) if i == 0 or hop != hops[i - 1]]
    assert compact == expected, chain
    consumer = next(s for s in chain if s["kind"] == "SpanKind.CONSUMER")
    assert consumer["attributes"]["cloudevents.event_type"].endswith("PostingPublished")
    grpc_server = next(s for s in chain if service(s) == "postings" and "SERVER" in s["kind"])
    assert grpc_server["attributes"]["rpc.method"] == "PublishPosting"
    # The database commands of that call are in the trace too (the pymongo instrumentation).
    assert any(
        s.get("parent_id") == grpc_server["context"]["span_id"]
        and s["attributes"].get("db.system") == "mongodb"
        for s in trace
    ), "no database span under the gRPC call"
