"""/asyncapi.json and /contracts/stint.binpb: public documents, like /openapi.json (no server
runs, no backend is asked: the app is only built)."""

from __future__ import annotations

import httpx

from gateway import asyncapi
from gateway.app import create_app
from stint.contracts import descriptors

from ..conftest import settings


async def test_the_documents_are_served_without_a_token() -> None:
    app = create_app(settings(kafka_bootstrap="kafka-1:9092,kafka-2:9092"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as c:
        document = await c.get("/asyncapi.json")
        binpb = await c.get("/contracts/stint.binpb")
        refused = await c.post("/asyncapi.json")

    assert document.status_code == 200
    assert document.headers["content-type"] == "application/json"
    assert document.json() == asyncapi.document("kafka-1:9092,kafka-2:9092")
    assert document.json()["servers"]["kafka"]["host"] == "kafka-1:9092"
    assert binpb.status_code == 200
    assert binpb.headers["content-type"] == "application/octet-stream"
    assert binpb.content == descriptors.descriptor_set_bytes()
    assert refused.status_code == 405
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_they_are_not_api_operations() -> None:
    """Like /openapi.json and /docs: outside the OpenAPI document (its operations are the
    route table's, each with its authorization)."""
    paths = create_app(settings()).openapi()["paths"]
    assert asyncapi.PATH not in paths
    assert asyncapi.DESCRIPTOR_SET_PATH not in paths


async def test_the_published_broker_is_the_integrators_listener_when_set() -> None:
    # In production the gateway's own bootstrap is an in-cluster name no integrator can reach.
    config = settings(
        kafka_bootstrap="stint-kafka-bootstrap:9092",
        asyncapi_kafka_servers="events.stint.example:9094",
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(config)), base_url="http://gateway.test"
    ) as c:
        server = (await c.get("/asyncapi.json")).json()["servers"]["kafka"]
    assert server["host"] == "events.stint.example:9094"
    assert "stint-kafka-bootstrap" not in str(server)
