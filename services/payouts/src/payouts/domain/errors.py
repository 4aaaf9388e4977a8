"""The payouts context's error categories (subclasses of the kit's, mapped to gRPC codes)."""

from __future__ import annotations

from stint.kit.errors import FailedPrecondition, NotFound


class PayoutNotFound(NotFound):
    """No such payout, or the caller may not know it exists."""


class AccountNotFound(NotFound):
    """The student has not registered a payout account."""


class InvalidTransition(FailedPrecondition):
    """The payout is in a state that does not allow this action."""
