"""In-memory profiles and invitations with the real repositories' version and uniqueness rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from applications.adapters import profile_wire
from applications.adapters.profiles import DuplicateInvitation
from applications.domain.invitation import Invitation, StudentInvited
from applications.domain.profile import StudentProfile
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import ConcurrencyConflict
from stint.kit.paging import PageRequest


class FakeProfiles:
    def __init__(self) -> None:
        self.rows: dict[str, StudentProfile] = {}

    async def get(self, student_id: str) -> StudentProfile | None:
        return self.rows.get(student_id)

    async def save(self, profile: StudentProfile, expected_version: int) -> None:
        current = self.rows.get(profile.student_id)
        if (current.version if current else 0) != expected_version:
            raise ConcurrencyConflict("profile changed")
        self.rows[profile.student_id] = replace(profile, version=expected_version + 1)


class FakeInvitations:
    def __init__(self, events: EventFactory) -> None:
        self.rows: dict[str, Invitation] = {}
        self.outbox: list[Envelope] = []
        self._events = events

    async def add(self, inv: Invitation, events: Sequence[StudentInvited]) -> None:
        if any(i.key == inv.key for i in self.rows.values()):
            raise DuplicateInvitation("duplicate")
        self.rows[inv.id] = replace(inv, version=1)
        self.outbox += [profile_wire.envelope(self._events, e) for e in events]

    async def save(self, inv: Invitation, expected_version: int) -> None:
        if self.rows[inv.id].version != expected_version:
            raise ConcurrencyConflict("invitation changed")
        self.rows[inv.id] = replace(inv, version=expected_version + 1)

    async def by_key(self, key: str) -> Invitation | None:
        return next((i for i in self.rows.values() if i.key == key), None)

    async def find(self, posting_id: str, student_id: str, page: PageRequest) -> list[Invitation]:
        found = [
            i
            for i in self.rows.values()
            if (not posting_id or i.posting_id == posting_id)
            and (not student_id or i.student_id == student_id)
            and (not page.after or i.id < page.after)
        ]
        return sorted(found, key=lambda i: i.id, reverse=True)[: page.limit]
