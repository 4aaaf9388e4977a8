"""OpenTelemetry tracing for every process: one switch, and the trace carried through events.

Off by default (``STINT_TRACE_EXPORTER=none``): nothing is instrumented, no span is made, events
carry no ``traceparent``, and the hot paths pay one boolean test. On, `configure()` (called by
`stint.kit.bootstrap.connect` and the gateway's bootstrap, before any client exists) installs:

- a tracer provider for the service (``service.name``; the sampler honours the standard
  ``OTEL_TRACES_SAMPLER``/``_ARG`` variables, parent-based always-on by default), exporting to
  ``otlp`` (the standard ``OTEL_EXPORTER_OTLP_*`` variables say where: the collector in
  Kubernetes), ``file`` (one JSON object per span and line, one file per process under
  ``STINT_TRACE_DIR``: what tests read) or ``console`` (stderr; stdout carries the JSON logs);
- the pymongo instrumentation (one client span per database command);
- what the kit's own seams ask for here: gRPC server and client interceptors (health checks not
  traced: they are probes), FastStream's Kafka telemetry middleware for publishing (a
  ``create`` and a ``publish`` span, and the ``traceparent`` header of the record), and
  `consuming()` for the keyed consumer, which is aiokafka directly, not a FastStream
  subscriber (the aiokafka instrumentation is not used: its consumer span would end when a
  record is *fetched*, before the lane runs it, and its producer span would duplicate
  FastStream's).

Across the outbox: an event made while a span is current stores that span's ``traceparent``
(`stint.kit.envelope.new_envelope`); the relay publishes it under that context (`continued`),
so the consumer's span, and whatever the consumer stores and does later (a webhook delivery
hours after, `stint.kit.envelope` in the notifications service), stays in the request's trace.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from stint.kit.tracing_export import Exporter, exporter_for

log = logging.getLogger(__name__)

HEALTH_SERVICE = "grpc.health.v1.Health"
TRACEPARENT = "traceparent"
CLIENT, CONSUMER = SpanKind.CLIENT, SpanKind.CONSUMER
_PROPAGATOR = TraceContextTextMapPropagator()
_provider: TracerProvider | None = None


def configure(service: str, exporter: Exporter, trace_dir: str = "") -> bool:
    """Turn tracing on for this process (once; later calls change nothing). Returns whether
    it is on. Call it before creating database clients, gRPC servers or channels, brokers."""
    if exporter == "none":
        return False
    if _provider is not None:
        return True
    resource = Resource.create(
        {"service.name": service, "service.instance.id": f"{os.uname().nodename}-{os.getpid()}"}
    )
    provider = TracerProvider(resource=resource)
    # A short delay: spans reach the file (or the collector) about when the work is done.
    provider.add_span_processor(
        BatchSpanProcessor(exporter_for(service, exporter, trace_dir), schedule_delay_millis=500)
    )
    trace.set_tracer_provider(provider)  # for libraries that trace on their own
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    PymongoInstrumentor().instrument(tracer_provider=provider)
    use(provider)
    log.info("tracing on", extra={"trace_exporter": exporter})
    return True


def use(provider: TracerProvider | None) -> None:
    """Trace with `provider` from now on (None: off). `configure` calls it; unit tests give
    a provider with an in-memory exporter (the global provider can be set only once)."""
    global _provider
    _provider = provider


def provider() -> TracerProvider | None:
    return _provider


def enabled() -> bool:
    return _provider is not None


def shutdown() -> None:
    """Export what is buffered (a clean stop); the provider also does it at exit."""
    if _provider is not None:
        _provider.force_flush(5_000)


def tracer() -> trace.Tracer:
    return (_provider or trace.get_tracer_provider()).get_tracer("stint.kit")


def current_traceparent() -> str:
    """The W3C ``traceparent`` of the current span, or "" when there is none (tracing off)."""
    if _provider is None:
        return ""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT, "")


def current_trace_id() -> str:
    """The current trace's id (32 hex digits) for log lines, or "" when there is none."""
    if _provider is None:
        return ""
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else ""


@contextmanager
def continued(traceparent: str) -> Iterator[None]:
    """Make the context `traceparent` names current for the block (nothing when it is empty)."""
    if _provider is None or not traceparent:
        yield
        return
    token = context.attach(_PROPAGATOR.extract({TRACEPARENT: traceparent}))
    try:
        yield
    finally:
        context.detach(token)


def span(
    name: str,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    parent: str = "",
    attributes: Mapping[str, Any] | None = None,
) -> Any:
    """A current span for the block (``with tracing.span(...) as s``; `s` is None when tracing
    is off), child of the `parent` traceparent when given, else of the current span."""
    if _provider is None:
        return nullcontext(None)
    ctx = _PROPAGATOR.extract({TRACEPARENT: parent}) if parent else None
    return tracer().start_as_current_span(
        name, context=ctx, kind=kind, attributes=dict(attributes or {})
    )


def consuming(
    *,
    topic: str,
    ce_type: str,
    ce_id: str,
    traceparent: str,
    partition: int,
    offset: int,
    group: str,
) -> Any:
    """The span of one consumed record, child of the span that published it."""
    return span(
        f"{topic} process",
        kind=SpanKind.CONSUMER,
        parent=traceparent,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": group,
            "messaging.message.id": ce_id,
            "messaging.kafka.message.offset": offset,
            "messaging.destination.partition.id": str(partition),
            "cloudevents.event_type": ce_type,
        },
    )


def failed(current: Span | None, description: str) -> None:
    """Mark a span (from `span`; None when tracing is off) as failed."""
    if current is not None:
        current.set_status(Status(StatusCode.ERROR, description))


def annotate(attributes: Mapping[str, Any]) -> None:
    """Add attributes to the current span (nothing when tracing is off or no span is current)."""
    if _provider is not None:
        trace.get_current_span().set_attributes(dict(attributes))


def grpc_server_interceptors() -> list[Any]:
    if _provider is None:
        return []
    from opentelemetry.instrumentation.grpc import aio_server_interceptor, filters

    return [aio_server_interceptor(_provider, filter_=_not_health(filters))]  # type: ignore[no-untyped-call]


def grpc_client_interceptors() -> list[Any]:
    if _provider is None:
        return []
    from opentelemetry.instrumentation.grpc import aio_client_interceptors, filters

    made = aio_client_interceptors(_provider, filter_=_not_health(filters))  # type: ignore[no-untyped-call]
    return list(made)


def _not_health(filters: Any) -> Any:
    return filters.negate(filters.service_name(HEALTH_SERVICE))


def kafka_middlewares() -> tuple[Any, ...]:
    """FastStream broker middlewares: its telemetry middleware when tracing is on."""
    if _provider is None:
        return ()
    from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

    return (KafkaTelemetryMiddleware(tracer_provider=_provider),)
