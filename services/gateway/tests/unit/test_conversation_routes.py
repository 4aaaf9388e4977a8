"""The conversation routes: roles, the tag, and a rate-limited message answered 429."""

from __future__ import annotations

import grpc
from grpc.aio import AioRpcError, Metadata

from gateway.openapi import TAGS
from gateway.problems import from_rpc_error
from gateway.routes import conversations


def test_routes_roles_and_tag() -> None:
    got = {(r.method, r.path): r.roles for r in conversations.ROUTES}
    readers = frozenset({"student", "employer", "admin"})
    assert got == {
        ("GET", "/v1/applications/{application_id}/conversation"): readers,
        ("GET", "/v1/conversations"): readers,
        ("GET", "/v1/conversations/{conversation_id}/messages"): readers,
        ("POST", "/v1/conversations/{conversation_id}/messages"): readers,
        ("POST", "/v1/conversations/{conversation_id}/read"): frozenset({"student", "employer"}),
    }
    assert "conversations" in {t["name"] for t in TAGS}


def test_a_rate_limited_message_is_429_with_retry_after() -> None:
    error = AioRpcError(
        grpc.StatusCode.RESOURCE_EXHAUSTED, Metadata(), Metadata(), details="at most 20"
    )
    problem = from_rpc_error(error)
    assert problem.status == 429
    assert problem.headers == {"Retry-After": "1"}
