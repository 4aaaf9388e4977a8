"""The caller of an RPC, as the kit's `Cause`: every RPC needs an identity set by the gateway."""

from __future__ import annotations

from stint.kit import wire as kit
from stint.kit.actor import Cause
from stint.kit.errors import Unauthenticated
from stint.kit.grpc import current_caller


def caller_cause() -> Cause:
    """The caller and its request; no subject or role is UNAUTHENTICATED."""
    caller = current_caller()
    if caller.is_anonymous or not caller.role:
        raise Unauthenticated("a signed-in caller (subject and role) is required")
    return kit.cause_of(caller)
