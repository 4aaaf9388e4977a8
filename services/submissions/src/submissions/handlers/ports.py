"""What the use cases need from the outside world: the engagement store with its funding
markers (adapters/repository.py; unit tests use an in-memory fake), the dispute store
(adapters/dispute_repository.py), the offer store (adapters/offer_repository.py) and the
record signer (adapters/signing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from stint.kit.actor import Cause
from stint.kit.paging import PageRequest
from submissions.domain.dispute import Dispute, DisputeStatus
from submissions.domain.events import Event
from submissions.domain.model import Engagement, Status
from submissions.domain.offer import Offer, OfferStatus
from submissions.domain.record import Verification


class EngagementStore(Protocol):
    async def get(self, engagement_id: str) -> Engagement | None: ...

    async def add(
        self, engagement: Engagement, events: Sequence[Event], cause: Cause, applied: str
    ) -> None:
        """Insert; AlreadyExists when the id is taken."""
        ...

    async def save(self, engagement: Engagement, events: Sequence[Event], cause: Cause) -> None:
        """Versioned update with events; ConcurrencyConflict when the version moved."""
        ...

    async def mark_funded(self, engagement_id: str, funding_id: str, at: datetime) -> None:
        """Record once that the engagement's money is in escrow (a repeat changes nothing)."""
        ...

    async def is_funded(self, engagement_id: str) -> bool: ...

    async def list(
        self, filters: dict[str, str], statuses: Sequence[Status], page: PageRequest
    ) -> list[Engagement]:
        """Newest first, after `page.after` (an engagement id), at most `page.limit` rows."""
        ...


class DisputeStore(Protocol):
    async def get(self, dispute_id: str) -> Dispute | None: ...

    async def add(self, dispute: Dispute, events: Sequence[Event], cause: Cause) -> None:
        """Insert; AlreadyExists when the id (one per engagement) is taken."""
        ...

    async def save(self, dispute: Dispute, events: Sequence[Event], cause: Cause) -> None:
        """Versioned update with events; ConcurrencyConflict when the version moved."""
        ...

    async def list(
        self, filters: dict[str, str], statuses: Sequence[DisputeStatus], page: PageRequest
    ) -> list[Dispute]:
        """Newest first, after `page.after` (a dispute id), at most `page.limit` rows."""
        ...


class OfferStore(Protocol):
    async def get(self, offer_id: str) -> Offer | None: ...

    async def add(self, offer: Offer, events: Sequence[Event], cause: Cause) -> None:
        """Insert; AlreadyExists when the id (one per engagement) is taken."""
        ...

    async def save(self, offer: Offer, events: Sequence[Event], cause: Cause) -> None:
        """Versioned update with events; ConcurrencyConflict when the version moved."""
        ...

    async def list(
        self, filters: dict[str, str], statuses: Sequence[OfferStatus], page: PageRequest
    ) -> list[Offer]:
        """Newest first, after `page.after` (an offer id), at most `page.limit` rows."""
        ...


class RecordSigner(Protocol):
    """The platform's signing key for experience records (compact JWS) and every public key a
    record may have been signed with."""

    @property
    def kid(self) -> str: ...

    def sign(self, payload: bytes) -> str: ...

    def verify(self, jws: str) -> Verification:
        """Signature check against `jwks()`; never raises for bad input."""
        ...

    def jwks(self) -> dict[str, list[dict[str, str]]]: ...
