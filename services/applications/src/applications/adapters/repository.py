"""The only module that touches MongoDB: applications and the posting projection.

Both collections are written only through `OutboxCollection` (version check, events in the same
write, the FerretDB write guard); each repository turns the domain events of a write into
envelopes through the service's wire. The posting projection has two kinds of writers, posting
events and hires, and the hire's CandidateHired event lives in the projection's outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from applications.adapters import wire
from applications.adapters.posting_documents import posting_doc, posting_view
from applications.domain import errors
from applications.domain import events as ev
from applications.domain.commands import ListFilter
from applications.domain.model import WAITING, Application, Status
from applications.domain.posting import PostingStatus, PostingView
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import OutboxCollection

APPLICATION_INDEXES = (
    # One live application per student and posting; the field is never missing (see live_key).
    IndexSpec([("live_key", 1)], unique=True, name="live_key_unique"),
    IndexSpec([("posting_id", 1), ("status", 1), ("_id", 1)]),
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("student_id", 1), ("_id", -1)]),
    IndexSpec([("university_id", 1), ("_id", -1)]),
)

# The projection's open postings, found by status (recommendations).
POSTING_INDEXES = (IndexSpec([("status", 1)]),)
# At most this many open postings are read per recommendation request.
OPEN_READ = 2000


class ApplicationRepository:
    """Loads and saves applications; raises the domain's errors for duplicates and races."""

    def __init__(self, applications: OutboxCollection, events: EventFactory) -> None:
        self.collection = applications
        self._events = events

    async def ensure_indexes(self) -> None:
        await self.collection.ensure_indexes(APPLICATION_INDEXES)

    async def get(self, application_id: str) -> Application | None:
        doc = await self.collection.get(application_id)
        return _application(doc) if doc else None

    async def add(self, app: Application, events: Sequence[ev.ApplicationChanged]) -> None:
        try:
            await self.collection.insert(_application_doc(app), _envelopes(self._events, events))
        except AlreadyExists as exc:
            raise errors.DuplicateApplication(
                f"you already applied to posting {app.posting_id}"
            ) from exc

    async def save(
        self, app: Application, expected_version: int, events: Sequence[ev.ApplicationChanged] = ()
    ) -> None:
        changes = _application_doc(app)
        del changes["_id"]
        await self.collection.update(
            app.id, expected_version, changes, _envelopes(self._events, events)
        )

    async def find(self, f: ListFilter) -> list[Application]:
        """Newest first (ids are time-ordered), after the cursor `f.page.after`; reads
        `f.page.limit` rows (one more than the page: whether another page follows)."""
        query: dict[str, Any] = {}
        for name in ("posting_id", "student_id", "university_id", "company_id"):
            value = getattr(f, name)
            if value:
                query[name] = str(value)
        if f.status:
            query["status"] = str(Status(f.status))
        if f.page.after:
            query["_id"] = {"$lt": str(f.page.after)}
        cursor = self.collection.collection.find(query).sort("_id", -1).limit(f.page.limit)
        return [_application(doc) async for doc in cursor]

    async def first_of_student(self, student_id: str, **equal: str) -> Application | None:
        """One application of the student matching `equal` (company_id, university_id,
        status), or None. Reads through the student_id index: a student's own history."""
        query: dict[str, Any] = {"student_id": str(student_id)}
        query |= {k: str(v) for k, v in equal.items()}
        async for doc in self.collection.collection.find(query).limit(1):
            return _application(doc)
        return None

    async def waiting_for_posting(
        self, posting_id: str, after_id: str, limit: int
    ) -> list[Application]:
        """Applications to the posting still waiting for a decision, in id order."""
        query: dict[str, Any] = {
            "posting_id": str(posting_id),
            "status": {"$in": sorted(str(s) for s in WAITING)},
        }
        if after_id:
            query["_id"] = {"$gt": str(after_id)}
        cursor = self.collection.collection.find(query).sort("_id", 1).limit(limit)
        return [_application(doc) async for doc in cursor]


class PostingRepository:
    """The posting projection; a hire's CandidateHired is committed with its document."""

    def __init__(self, postings: OutboxCollection, events: EventFactory) -> None:
        self.collection = postings
        self._events = events

    async def ensure_indexes(self) -> None:
        await self.collection.ensure_indexes(POSTING_INDEXES)

    async def get(self, posting_id: str) -> PostingView | None:
        doc = await self.collection.get(posting_id)
        return posting_view(doc) if doc else None

    async def open_postings(self) -> list[PostingView]:
        """The open postings (top-level equality on the indexed status: the cost follows the
        open postings, not every posting ever projected), at most OPEN_READ of them."""
        cursor = self.collection.collection.find({"status": str(PostingStatus.OPEN)})
        return [posting_view(doc) async for doc in cursor.limit(OPEN_READ)]

    async def save(
        self, view: PostingView, expected_version: int, events: Sequence[ev.CandidateHired] = ()
    ) -> None:
        """Insert (expected_version 0) or replace the projection; a lost race, including two
        first inserts, is a ConcurrencyConflict so the caller reloads and decides again."""
        doc = posting_doc(view)
        envelopes = _envelopes(self._events, events)
        if expected_version == 0:
            try:
                await self.collection.insert(doc, envelopes)
            except AlreadyExists as exc:
                raise ConcurrencyConflict(f"posting {view.id} was projected meanwhile") from exc
            return
        del doc["_id"]
        await self.collection.update(view.id, expected_version, doc, envelopes)


def _envelopes(factory: EventFactory, events: Sequence[ev.Event]) -> list[Envelope]:
    return [wire.envelope(factory, e) for e in events]


def _application_doc(app: Application) -> Document:
    return {
        "_id": app.id,
        "posting_id": app.posting_id,
        "company_id": app.company_id,
        "student_id": app.student_id,
        "university_id": app.university_id,
        "pitch": app.pitch,
        "links": list(app.links),
        "status": str(app.status),
        "decision_reason": app.decision_reason,
        "created_at": app.created_at,
        "updated_at": app.updated_at,
        "decided_at": app.decided_at,
        "hire_started_at": app.hire_started_at,
        "live_key": app.live_key,
        "student_name": app.student_name,
        "company_name": app.company_name,
    }


def _application(doc: Document) -> Application:
    return Application(
        id=doc["_id"],
        posting_id=doc["posting_id"],
        company_id=doc["company_id"],
        student_id=doc["student_id"],
        university_id=doc["university_id"],
        pitch=doc["pitch"],
        links=tuple(doc["links"]),
        status=Status(doc["status"]),
        decision_reason=doc["decision_reason"],
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        decided_at=doc.get("decided_at"),
        hire_started_at=doc.get("hire_started_at"),
        version=doc["version"],
        student_name=doc.get("student_name", ""),
        company_name=doc.get("company_name", ""),
    )
