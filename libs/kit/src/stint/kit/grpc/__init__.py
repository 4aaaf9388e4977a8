"""gRPC plumbing shared by every Stint service: identity, error mapping, interceptor, server."""

from stint.kit.grpc.identity import (
    ORG_KEY,
    REQUEST_ID_KEY,
    ROLE_KEY,
    SUBJECT_KEY,
    Caller,
    caller_scope,
    current_caller,
    request_id_from_metadata,
    safe_request_id,
    well_formed_identity,
)
from stint.kit.grpc.identity_keys import IdentityConfigError, generate_key_pair
from stint.kit.grpc.interceptors import HANDLED, HANDLING_SECONDS, ServerInterceptor
from stint.kit.grpc.server import (
    DEFAULT_OPTIONS,
    GrpcServer,
    Register,
    Registration,
    build_grpc_server,
    grpc_server_for,
)
from stint.kit.grpc.service_identity import IDENTITY_KEY, IdentitySigner, IdentityVerifier
from stint.kit.grpc.status import (
    error_code_from_error,
    error_to_status,
    field_violations_from_error,
    retry_after_from_error,
    status_code_for,
)

__all__ = [
    "DEFAULT_OPTIONS",
    "HANDLED",
    "HANDLING_SECONDS",
    "IDENTITY_KEY",
    "ORG_KEY",
    "REQUEST_ID_KEY",
    "ROLE_KEY",
    "SUBJECT_KEY",
    "Caller",
    "GrpcServer",
    "IdentityConfigError",
    "IdentitySigner",
    "IdentityVerifier",
    "Register",
    "Registration",
    "ServerInterceptor",
    "build_grpc_server",
    "caller_scope",
    "current_caller",
    "error_code_from_error",
    "error_to_status",
    "field_violations_from_error",
    "generate_key_pair",
    "grpc_server_for",
    "request_id_from_metadata",
    "retry_after_from_error",
    "safe_request_id",
    "status_code_for",
    "well_formed_identity",
]
