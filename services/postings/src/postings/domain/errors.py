"""The postings context's errors, each a kit category so gRPC maps it to one status code."""

from __future__ import annotations

from stint.kit.errors import FailedPrecondition, NotFound, PermissionDenied


class PostingNotFound(NotFound):
    """No such posting, or the caller may not know it exists (cross-tenant reads)."""

    def __init__(self, posting_id: str) -> None:
        super().__init__(f"posting {posting_id} not found")


class InvalidTransition(FailedPrecondition):
    """The posting is in the wrong state for the action."""


class NotAllowed(PermissionDenied):
    """The caller's role may never perform the action (e.g. a student creating a posting)."""


class UniversityNotTargeted(FailedPrecondition):
    """The posting is not aimed at that university (its targets are the posting's state)."""

    def __init__(self, university_id: str) -> None:
        super().__init__(f"the posting is not aimed at university {university_id}")


class SavedSearchNotFound(NotFound):
    """No such saved search among the caller's own (someone else's reads the same)."""

    def __init__(self, search_id: str) -> None:
        super().__init__(f"saved search {search_id} not found")
