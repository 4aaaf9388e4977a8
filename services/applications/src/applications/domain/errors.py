"""The applications context's errors, each in one of the kit's categories (→ gRPC code)."""

from __future__ import annotations

from stint.kit.errors import AlreadyExists, FailedPrecondition, NotFound


class ApplicationNotFound(NotFound):
    """No such application, or not one the caller may see."""


class PostingNotFound(NotFound):
    """The posting is unknown here, or not visible to the caller."""


class PostingNotOpen(FailedPrecondition):
    """The posting does not take applications now (status or deadline)."""


class WrongStatus(FailedPrecondition):
    """The application is not in a status that allows this action."""


class NoOpenPosition(FailedPrecondition):
    """Every position of the posting is taken (or it stopped hiring)."""


class DecisionDeadlinePassed(NoOpenPosition):
    """The posting closed and its decision deadline passed: the company no longer hires."""


class PostingNotReady(FailedPrecondition):
    """The posting is not (yet) open here although it may have just been published: this
    service learns of postings from their events, moments after the postings service answers.
    Retrying after `retry_after` seconds is expected to help."""

    retry_after = 1


class ApprovalWithdrawn(WrongStatus):
    """The student's university declined the posting after approving it: the application is
    answered (rejected) and takes no further decision."""


class DuplicateApplication(AlreadyExists):
    """The student already has a live application to this posting."""
