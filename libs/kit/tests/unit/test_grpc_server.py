"""A real grpc.aio server on loopback (no Kafka, no database): health, reflection, interceptor."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import pytest
from google.protobuf.wrappers_pb2 import StringValue
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from prometheus_client import REGISTRY
from pymongo.errors import ServerSelectionTimeoutError

from stint.kit.errors import ConcurrencyConflict, FieldViolation, InvalidArgument, NotFound
from stint.kit.grpc import (
    Caller,
    GrpcServer,
    IdentityVerifier,
    build_grpc_server,
    current_caller,
    field_violations_from_error,
    stalls,
)
from stint.kit.grpc.interceptors import DATABASE_UNAVAILABLE
from stint.kit.logctx import request_id_var
from stint.kit.testing.identity import PUBLIC_ENV, metadata_for
from stint.kit.testing.poll import eventually

ECHO = "stint.test.v1.EchoService"
SERVICE = "kit-test"
SECRET = "db password hunter2"
VIOLATIONS = [FieldViolation("title", "required"), FieldViolation("fee.amount_minor", "> 0")]
FAILURES: dict[str, Callable[[], Exception]] = {
    "invalid": lambda: InvalidArgument("2 invalid fields", VIOLATIONS),
    "missing": lambda: NotFound("no such posting"),
    "conflict": lambda: ConcurrencyConflict("version moved"),
    "crash": lambda: RuntimeError(SECRET),
    "database": lambda: ServerSelectionTimeoutError("127.0.0.1:27017: [Errno 111] refused"),
}
_encode = StringValue.SerializeToString


def _identity() -> IdentityVerifier:
    return IdentityVerifier(os.environ[PUBLIC_ENV], audience=SERVICE)


def _md(caller: Caller) -> tuple[tuple[str, str], ...]:
    return metadata_for(caller, SERVICE)


def _whoami() -> StringValue:
    caller = current_caller()
    fields = (caller.subject, caller.role, caller.org, caller.request_id, request_id_var.get())
    return StringValue(value="|".join(fields))


async def _echo(request: StringValue, context: Any) -> StringValue:
    return _whoami()


async def _fail(request: StringValue, context: Any) -> StringValue:
    if request.value == "abort":
        await context.abort(grpc.StatusCode.PERMISSION_DENIED, "handler said no")
    raise FAILURES[request.value]()


BLOCKED = asyncio.Event()


async def _block(request: StringValue, context: Any) -> StringValue:
    BLOCKED.set()
    await asyncio.Event().wait()  # until the client cancels or the deadline passes
    raise AssertionError("unreachable")


async def _stream(request: StringValue, context: Any) -> AsyncIterator[StringValue]:
    yield _whoami()
    yield StringValue(value="second")
    raise NotFound("nothing more")


def _add_echo(servicer: object, server: grpc.aio.Server) -> None:
    codec = {"request_deserializer": StringValue.FromString, "response_serializer": _encode}
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(_echo, **codec),
        "Fail": grpc.unary_unary_rpc_method_handler(_fail, **codec),
        "Block": grpc.unary_unary_rpc_method_handler(_block, **codec),
        "Stream": grpc.unary_stream_rpc_method_handler(_stream, **codec),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(ECHO, handlers),))


@pytest.fixture
async def server() -> AsyncIterator[GrpcServer]:
    built = build_grpc_server(
        SERVICE, 0, [(_add_echo, None, ECHO)], identity=_identity(), reflection=True
    )
    await built.start()
    yield built
    await built.stop(None)


@pytest.fixture
async def channel(server: GrpcServer) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as opened:
        yield opened


def _rpc(channel: grpc.aio.Channel, method: str) -> Any:
    """A unary method that sends the anonymous caller's token unless told otherwise."""
    multi = channel.unary_unary(f"/{ECHO}/{method}", _encode, StringValue.FromString)

    def invoke(request: StringValue, *, metadata: Any = None, **options: Any) -> Any:
        sent = _md(Caller.anonymous()) if metadata is None else metadata
        return multi(request, metadata=sent, **options)

    return invoke


def _handled(method: str, code: str) -> float:
    labels = {"service": SERVICE, "method": f"{ECHO}/{method}", "code": code}
    return REGISTRY.get_sample_value("stint_grpc_server_handled_total", labels) or 0.0


async def _health(channel: grpc.aio.Channel, service: str) -> Any:
    stub = health_pb2_grpc.HealthStub(channel)
    response = await stub.Check(health_pb2.HealthCheckRequest(service=service))
    return response.status


async def test_health_is_serving_overall_and_per_service(channel: grpc.aio.Channel) -> None:
    assert await _health(channel, "") == health_pb2.HealthCheckResponse.SERVING
    assert await _health(channel, ECHO) == health_pb2.HealthCheckResponse.SERVING


async def test_set_serving_toggles_every_status(
    server: GrpcServer, channel: grpc.aio.Channel
) -> None:
    await server.set_serving(False)
    assert await _health(channel, "") == health_pb2.HealthCheckResponse.NOT_SERVING
    assert await _health(channel, ECHO) == health_pb2.HealthCheckResponse.NOT_SERVING
    await server.set_serving(True)
    assert await _health(channel, ECHO) == health_pb2.HealthCheckResponse.SERVING


async def test_stop_reports_not_serving_before_closing() -> None:
    def register(server: grpc.aio.Server) -> list[str]:
        _add_echo(None, server)
        return [ECHO]

    built = build_grpc_server(SERVICE, 0, register, identity=_identity())
    await built.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{built.port}") as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest())
        assert (await watch.read()).status == health_pb2.HealthCheckResponse.SERVING
        # A long grace keeps the Watch stream open, so the transition itself is observable.
        stopping = asyncio.create_task(built.stop(30))
        changed = await asyncio.wait_for(watch.read(), 10)
        assert changed.status == health_pb2.HealthCheckResponse.NOT_SERVING
        # A new check either still gets an answer (NOT_SERVING) or is refused: never SERVING.
        with contextlib.suppress(grpc.aio.AioRpcError):
            assert await _health(channel, ECHO) == health_pb2.HealthCheckResponse.NOT_SERVING
        watch.cancel()
        await asyncio.wait_for(stopping, 10)


async def test_reflection_lists_every_service(channel: grpc.aio.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    call = stub.ServerReflectionInfo(iter([request]))
    response = await call.read()
    call.cancel()
    assert {s.name for s in response.list_services_response.service} == {
        ECHO,
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }


async def test_reflection_is_off_unless_asked_for() -> None:
    built = build_grpc_server(SERVICE, 0, [(_add_echo, None, ECHO)], identity=_identity())
    await built.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{built.port}") as channel:
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            # Nothing sent: a request written after the server's refusal fails client-side.
            code = await stub.ServerReflectionInfo(iter(())).code()
            assert code == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await built.stop(None)


async def test_handler_sees_the_caller_from_the_identity_token(
    channel: grpc.aio.Channel,
) -> None:
    caller = Caller(subject="usr_1", role="employer", org="org_9", request_id="req-42")
    call = _rpc(channel, "Echo")(StringValue(), metadata=_md(caller))
    assert (await call).value == "usr_1|employer|org_9|req-42|req-42"
    assert ("x-request-id", "req-42") in tuple(await call.trailing_metadata())


async def test_a_request_id_is_generated_and_echoed(channel: grpc.aio.Channel) -> None:
    call = _rpc(channel, "Echo")(StringValue())
    subject, _, _, request_id, logged_id = (await call).value.split("|")
    assert subject == ""
    assert request_id == logged_id != ""
    assert ("x-request-id", request_id) in tuple(await call.trailing_metadata())


@pytest.mark.parametrize(
    "metadata",
    [
        (),  # no token at all
        (("x-stint-subject", "usr_1"), ("x-stint-role", "admin")),  # bare identity metadata
        (*_md(Caller("usr_1", "student", "", "")), ("x-stint-role", "admin")),  # token + bare
        metadata_for(Caller("usr_1", "admin", "", ""), "payouts"),  # signed for another service
        (("x-stint-identity", "not.a.token"),),
    ],
)
async def test_calls_without_a_valid_identity_token_are_unauthenticated(
    channel: grpc.aio.Channel, metadata: Any
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _rpc(channel, "Echo")(StringValue(), metadata=metadata)
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_probes_need_no_token(channel: grpc.aio.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    answer = await stub.Check(health_pb2.HealthCheckRequest(service=""), metadata=())
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("invalid", grpc.StatusCode.INVALID_ARGUMENT),
        ("missing", grpc.StatusCode.NOT_FOUND),
        ("conflict", grpc.StatusCode.ABORTED),
        ("crash", grpc.StatusCode.INTERNAL),
        ("abort", grpc.StatusCode.PERMISSION_DENIED),
    ],
)
async def test_errors_become_their_status_and_are_counted(
    channel: grpc.aio.Channel, kind: str, code: grpc.StatusCode
) -> None:
    before = _handled("Fail", code.name)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _rpc(channel, "Fail")(StringValue(value=kind))
    assert raised.value.code() == code
    # The kit counts before it aborts, but a handler's own abort reaches the client first.
    await eventually(lambda: _handled("Fail", code.name), until=lambda n: n == before + 1)


async def test_invalid_argument_carries_every_field_violation(channel: grpc.aio.Channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _rpc(channel, "Fail")(StringValue(value="invalid"))
    assert raised.value.details() == "2 invalid fields"
    assert field_violations_from_error(raised.value) == VIOLATIONS


async def test_internal_errors_leak_nothing_but_are_logged(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    metadata = _md(Caller("usr_1", "student", "", "req-crash"))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _rpc(channel, "Fail")(StringValue(value="crash"), metadata=metadata)
    details = raised.value.details()
    assert SECRET not in details
    assert "RuntimeError" not in details
    assert "req-crash" in details
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert logged
    assert isinstance(logged[0].exc_info[1], RuntimeError)  # type: ignore[index]


async def test_a_database_outage_is_unavailable_and_logged_once_with_its_end(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="stint.kit.mongo")
    for _ in range(3):
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await _rpc(channel, "Fail")(StringValue(value="database"))
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE  # retryable: 503 at the edge
        assert raised.value.details() == DATABASE_UNAVAILABLE
    await _rpc(channel, "Echo")(StringValue())
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "database unreachable: work is refused or held back until it is back",
        "database reachable again",
    ]
    assert warnings[1].refused == 3  # type: ignore[attr-defined]
    assert not any(r.exc_info for r in caplog.records), "an outage is not a bug: no traceback"


@pytest.mark.parametrize(("timeout", "code"), [(None, "CANCELLED"), (0.2, "DEADLINE_EXCEEDED")])
async def test_interrupted_calls_are_counted(
    channel: grpc.aio.Channel, timeout: float | None, code: str
) -> None:
    before = _handled("Block", code)
    BLOCKED.clear()
    call = _rpc(channel, "Block")(StringValue(), timeout=timeout)
    await BLOCKED.wait()
    if timeout is None:
        call.cancel()  # the client walks away
    with contextlib.suppress(grpc.aio.AioRpcError, asyncio.CancelledError):
        await call
    await eventually(lambda: _handled("Block", code), until=lambda n: n == before + 1)


async def test_a_call_cancelled_after_a_long_wait_logs_where_it_waited(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stalls, "SLOW_INTERRUPT_SECONDS", 0.0)  # every wait is long here
    caplog.set_level(logging.WARNING, logger="stint.kit.grpc")
    BLOCKED.clear()
    call = _rpc(channel, "Block")(StringValue())
    await BLOCKED.wait()
    call.cancel()
    with contextlib.suppress(grpc.aio.AioRpcError, asyncio.CancelledError):
        await call

    def logged_stalls() -> list[str]:
        return [r.getMessage() for r in caplog.records if "interrupted after" in r.getMessage()]

    (logged,) = await eventually(logged_stalls, until=bool)
    assert "in _block" in logged  # the handler's frame, down to the await that never ended
    assert "asyncio.Event().wait()" in logged


async def _collect(call: Any, into: list[str]) -> None:
    async for response in call:
        into.append(response.value)


async def test_server_streams_are_wrapped_too(channel: grpc.aio.Channel) -> None:
    caller = Caller(subject="usr_2", role="student", org="", request_id="req-s")
    stream = channel.unary_stream(f"/{ECHO}/Stream", _encode, StringValue.FromString)
    received: list[str] = []
    before = _handled("Stream", "NOT_FOUND")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _collect(stream(StringValue(), metadata=_md(caller)), received)
    assert received == ["usr_2|student||req-s|req-s", "second"]
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert _handled("Stream", "NOT_FOUND") == before + 1


async def test_probes_log_at_debug_and_calls_at_info(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="stint.kit.grpc")
    await _health(channel, "")
    await _rpc(channel, "Echo")(StringValue())
    levels = {r.grpc_method: r.levelno for r in caplog.records if hasattr(r, "grpc_method")}
    assert levels == {
        "grpc.health.v1.Health/Check": logging.DEBUG,
        f"{ECHO}/Echo": logging.INFO,
    }


async def test_a_taken_port_is_refused(server: GrpcServer) -> None:
    with pytest.raises(RuntimeError):
        build_grpc_server(SERVICE, server.port, [], identity=_identity())
