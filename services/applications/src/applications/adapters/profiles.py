"""Student profiles and invitations in MongoDB (written through `OutboxCollection`: version
check, the invitation's StudentInvited in the same write, the FerretDB write guard)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from applications.adapters import profile_wire
from applications.domain.invitation import Invitation, InvitationStatus, StudentInvited
from applications.domain.profile import CareerStage, ProfileField, School, StudentProfile
from stint.kit.envelope import EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import PageRequest

INVITATION_INDEXES = (
    # One invitation per posting and student (the field is never missing).
    IndexSpec([("key", 1)], unique=True, name="invitation_key_unique"),
    IndexSpec([("posting_id", 1), ("_id", -1)]),
    IndexSpec([("student_id", 1), ("_id", -1)]),
)


class DuplicateInvitation(AlreadyExists):
    """The student was invited to this posting already."""


class ProfileRepository:
    """One document per student, its id the student's subject."""

    def __init__(self, profiles: OutboxCollection) -> None:
        self.collection = profiles

    async def ensure_indexes(self) -> None:
        await self.collection.ensure_indexes()

    async def get(self, student_id: str) -> StudentProfile | None:
        doc = await self.collection.get(student_id)
        return _profile(doc) if doc else None

    async def save(self, profile: StudentProfile, expected_version: int) -> None:
        """Insert (expected_version 0) or replace; a lost race is a ConcurrencyConflict."""
        doc = _profile_doc(profile)
        if expected_version == 0:
            try:
                await self.collection.insert(doc)
            except AlreadyExists as exc:
                raise ConcurrencyConflict("the profile was created meanwhile") from exc
            return
        del doc["_id"]
        await self.collection.update(profile.student_id, expected_version, doc)


class InvitationRepository:
    """Invitations; StudentInvited is committed with the invitation (key: its id)."""

    def __init__(self, invitations: OutboxCollection, events: EventFactory) -> None:
        self.collection = invitations
        self._events = events

    async def ensure_indexes(self) -> None:
        await self.collection.ensure_indexes(INVITATION_INDEXES)

    async def add(self, inv: Invitation, events: Sequence[StudentInvited]) -> None:
        envelopes = [profile_wire.envelope(self._events, e) for e in events]
        try:
            await self.collection.insert(_invitation_doc(inv), envelopes)
        except AlreadyExists as exc:
            raise DuplicateInvitation(
                f"student {inv.student_id} was invited to posting {inv.posting_id} already"
            ) from exc

    async def save(self, inv: Invitation, expected_version: int) -> None:
        doc = _invitation_doc(inv)
        del doc["_id"]
        await self.collection.update(inv.id, expected_version, doc)

    async def by_key(self, key: str) -> Invitation | None:
        async for doc in self.collection.collection.find({"key": str(key)}).limit(1):
            return _invitation(doc)
        return None

    async def find(self, posting_id: str, student_id: str, page: PageRequest) -> list[Invitation]:
        """Newest first after `page.after`, `page.limit` rows, by posting and/or student."""
        query: dict[str, Any] = {}
        if posting_id:
            query["posting_id"] = str(posting_id)
        if student_id:
            query["student_id"] = str(student_id)
        if page.after:
            query["_id"] = {"$lt": str(page.after)}
        cursor = self.collection.collection.find(query).sort("_id", -1).limit(page.limit)
        return [_invitation(doc) async for doc in cursor]


def _profile_doc(p: StudentProfile) -> Document:
    return {
        "_id": p.student_id,
        "name": p.name,
        "school_name": p.school.name,
        "school_university_id": p.school.university_id,
        "school_verified": p.school.verified,
        "programme": p.programme,
        "graduation_year": p.graduation_year,
        "stage": str(p.stage),
        "skills": list(p.skills),
        "portfolio_links": list(p.portfolio_links),
        "work_authorized": p.work_authorized,
        "work_authorization_attested_at": p.work_authorization_attested_at,
        "shared_with_employers": [str(f) for f in p.shared_with_employers],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _profile(doc: Document) -> StudentProfile:
    return StudentProfile(
        student_id=doc["_id"],
        name=doc["name"],
        school=School(doc["school_name"], doc["school_university_id"], doc["school_verified"]),
        programme=doc["programme"],
        graduation_year=doc["graduation_year"],
        stage=CareerStage(doc["stage"]),
        skills=tuple(doc["skills"]),
        portfolio_links=tuple(doc["portfolio_links"]),
        work_authorized=doc["work_authorized"],
        work_authorization_attested_at=doc.get("work_authorization_attested_at"),
        shared_with_employers=tuple(ProfileField(f) for f in doc["shared_with_employers"]),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        version=doc["version"],
    )


def _invitation_doc(i: Invitation) -> Document:
    return {
        "_id": i.id,
        "key": i.key,
        "posting_id": i.posting_id,
        "posting_title": i.posting_title,
        "company_id": i.company_id,
        "company_name": i.company_name,
        "student_id": i.student_id,
        "invited_by": i.invited_by,
        "message": i.message,
        "status": str(i.status),
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


def _invitation(doc: Document) -> Invitation:
    return Invitation(
        id=doc["_id"],
        posting_id=doc["posting_id"],
        posting_title=doc["posting_title"],
        company_id=doc["company_id"],
        company_name=doc["company_name"],
        student_id=doc["student_id"],
        invited_by=doc["invited_by"],
        message=doc["message"],
        status=InvitationStatus(doc["status"]),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        version=doc["version"],
    )
