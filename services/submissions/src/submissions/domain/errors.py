"""Business errors of the submissions context, each in one of the kit's categories."""

from __future__ import annotations

from stint.kit.errors import FailedPrecondition, NotFound, PermissionDenied


class EngagementNotFound(NotFound):
    """No such engagement, or the caller may not know that it exists."""

    def __init__(self, engagement_id: str) -> None:
        super().__init__(f"engagement {engagement_id} not found")


class DisputeNotFound(NotFound):
    """No such dispute, or the caller may not know that it exists."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"dispute {ref} not found")


class WrongState(FailedPrecondition):
    """The engagement is not in a state that allows the action."""


class RevisionLimitReached(FailedPrecondition):
    """The employer has used every revision; the work must be approved or the engagement
    cancelled."""


class AiUseForbidden(FailedPrecondition):
    """The posting forbids generative AI and the student declared using it."""


class NotAllowed(PermissionDenied):
    """The caller can see the engagement but this action belongs to another party."""


class DisputeOpen(FailedPrecondition):
    """A dispute is open on the engagement: only an admin's resolution moves it now."""

    def __init__(self) -> None:
        super().__init__("a dispute is open: the engagement waits for an admin's decision")


class OfferNotFound(NotFound):
    """No such offer, or the caller may not know that it exists."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"offer {ref} not found")


class ScheduleItemNotFound(NotFound):
    """No such extension or milestone on an engagement the caller can see."""

    def __init__(self, engagement_id: str, what: str, number: int) -> None:
        super().__init__(f"{what} {number} of engagement {engagement_id} not found")
