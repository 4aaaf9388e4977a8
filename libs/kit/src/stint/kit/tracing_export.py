"""Where `stint.kit.tracing` sends spans: OTLP, a JSON-lines file per process, or stderr."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Literal

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.util import ns_to_iso_str

Exporter = Literal["none", "otlp", "file", "console"]


def exporter_for(service: str, exporter: Exporter, trace_dir: str) -> SpanExporter:
    if exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if exporter == "console":
        return ConsoleSpanExporter(out=sys.stderr, formatter=_one_line)
    if not trace_dir:
        raise ValueError("STINT_TRACE_EXPORTER=file needs STINT_TRACE_DIR")
    folder = Path(trace_dir)
    folder.mkdir(parents=True, exist_ok=True)
    out: IO[str] = (folder / f"{service}-{os.getpid()}.jsonl").open("a", encoding="utf-8")
    return ConsoleSpanExporter(out=out, formatter=_one_line)


def _one_line(span: ReadableSpan) -> str:
    """One span as one JSON line: the SDK's `to_json` fields, ids as the bare hex the log lines
    carry (``grep <trace_id>`` finds both), values it cannot encode (bytes keys) as text."""
    ctx, parent = span.get_span_context(), span.parent
    entry = {
        "name": span.name,
        "context": {"trace_id": _hex(ctx.trace_id, 32), "span_id": _hex(ctx.span_id, 16)}
        if ctx
        else None,
        "kind": str(span.kind),
        "parent_id": _hex(parent.span_id, 16) if parent else None,
        "start_time": ns_to_iso_str(span.start_time) if span.start_time else None,
        "end_time": ns_to_iso_str(span.end_time) if span.end_time else None,
        "status": {"status_code": span.status.status_code.name}
        | ({"description": span.status.description} if span.status.description else {}),
        "attributes": dict(span.attributes or {}),
        "events": [{"name": e.name, "attributes": dict(e.attributes or {})} for e in span.events],
        "resource": {"attributes": dict(span.resource.attributes)},
    }
    return json.dumps(entry, default=_as_text, ensure_ascii=False) + "\n"


def _hex(value: int, digits: int) -> str:
    return format(value, f"0{digits}x")


def _as_text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
