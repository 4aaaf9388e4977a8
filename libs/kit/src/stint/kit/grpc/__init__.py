"""gRPC plumbing shared by every Stint service: identity, error mapping, interceptor, server."""

from stint.kit.grpc.identity import (
    ORG_KEY,
    REQUEST_ID_KEY,
    ROLE_KEY,
    SUBJECT_KEY,
    Caller,
    caller_from_metadata,
    caller_metadata,
    caller_scope,
    current_caller,
    request_id_from_metadata,
)
from stint.kit.grpc.interceptors import HANDLED, HANDLING_SECONDS, ServerInterceptor
from stint.kit.grpc.server import (
    DEFAULT_OPTIONS,
    GrpcServer,
    Register,
    Registration,
    build_grpc_server,
)
from stint.kit.grpc.status import error_to_status, field_violations_from_error, status_code_for

__all__ = [
    "DEFAULT_OPTIONS",
    "HANDLED",
    "HANDLING_SECONDS",
    "ORG_KEY",
    "REQUEST_ID_KEY",
    "ROLE_KEY",
    "SUBJECT_KEY",
    "Caller",
    "GrpcServer",
    "Register",
    "Registration",
    "ServerInterceptor",
    "build_grpc_server",
    "caller_from_metadata",
    "caller_metadata",
    "caller_scope",
    "current_caller",
    "error_to_status",
    "field_violations_from_error",
    "request_id_from_metadata",
    "status_code_for",
]
