"""Context variables that every log line includes (set by gRPC and Kafka entrypoints)."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
ce_id_var: ContextVar[str] = ContextVar("ce_id", default="")
