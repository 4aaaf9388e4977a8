"""In-memory stand-ins for the repositories, with the same version and uniqueness rules.

One store holds both collections and their outbox (events as the real repositories commit
them: through the service's wire); the two ports look its methods up on every call, so a test
may replace one (`store.get_posting = ...`) to stage a race.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from applications.adapters import wire
from applications.domain import errors
from applications.domain import events as ev
from applications.domain.commands import ListFilter, SubmitApplication
from applications.domain.model import WAITING, Application
from applications.domain.posting import PostingStatus, PostingView, Visibility
from applications.handlers import Deps, Handlers
from stint.kit.actor import Actor, Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import ConcurrencyConflict
from stint.kit.ids import new_id
from stint.kit.money import Money
from stint.kit.testing.clock import ManualClock

from .fake_conversations import FakeConversations
from .fake_people import FakeInvitations, FakeProfiles

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeRepository:
    def __init__(self, events: EventFactory) -> None:
        self.events = events
        self.apps: dict[str, Application] = {}
        self.postings: dict[str, PostingView] = {}
        # Events as committed, per document: ("app" | "posting", document id, envelope).
        self.outbox: list[tuple[str, str, Envelope]] = []
        self.posting_conflicts = 0  # the next N posting writes lose a race
        self.profiles = FakeProfiles()
        self.invitations = FakeInvitations(events)
        self.conversations = FakeConversations(events)

    async def get_application(self, application_id: str) -> Application | None:
        return self.apps.get(application_id)

    async def add_application(
        self, app: Application, events: Sequence[ev.ApplicationChanged]
    ) -> None:
        if any(a.live_key == app.live_key for a in self.apps.values()):
            raise errors.DuplicateApplication("duplicate")
        self.apps[app.id] = replace(app, version=1)
        self._commit("app", app.id, events)

    async def save_application(
        self, app: Application, expected_version: int, events: Sequence[ev.ApplicationChanged] = ()
    ) -> None:
        current = self.apps.get(app.id)
        if current is None or current.version != expected_version:
            raise ConcurrencyConflict("application changed")
        if any(a.live_key == app.live_key and a.id != app.id for a in self.apps.values()):
            raise errors.DuplicateApplication("duplicate")
        self.apps[app.id] = replace(app, version=expected_version + 1)
        self._commit("app", app.id, events)

    async def list_applications(self, f: ListFilter) -> list[Application]:
        found = [
            a
            for a in self.apps.values()
            if all(
                not getattr(f, name) or getattr(a, name) == getattr(f, name)
                for name in ("posting_id", "student_id", "university_id", "company_id")
            )
            and (not f.status or a.status == f.status)
            and (not f.page.after or a.id < f.page.after)
        ]
        return sorted(found, key=lambda a: a.id, reverse=True)[: f.page.limit]

    async def waiting_for_posting(
        self, posting_id: str, after_id: str, limit: int
    ) -> list[Application]:
        found = [
            a
            for a in self.apps.values()
            if a.posting_id == posting_id and a.status in WAITING and a.id > after_id
        ]
        return sorted(found, key=lambda a: a.id)[:limit]

    async def get_posting(self, posting_id: str) -> PostingView | None:
        return self.postings.get(posting_id)

    async def save_posting(
        self, view: PostingView, expected_version: int, events: Sequence[ev.CandidateHired] = ()
    ) -> None:
        current = self.postings.get(view.id)
        if self.posting_conflicts:
            self.posting_conflicts -= 1
            raise ConcurrencyConflict("posting changed")
        if (current.version if current else 0) != expected_version:
            raise ConcurrencyConflict("posting changed")
        self.postings[view.id] = replace(view, version=expected_version + 1)
        self._commit("posting", view.id, events)

    def _commit(self, kind: str, doc_id: str, events: Sequence[ev.Event]) -> None:
        self.outbox += [(kind, doc_id, wire.envelope(self.events, e)) for e in events]

    def event_types(self) -> list[str]:
        return [e.type.rsplit(".", 1)[1] for _, _, e in self.outbox]


class FakeApplications:
    """`ports.ApplicationRepository` over the store."""

    def __init__(self, store: FakeRepository) -> None:
        self._store = store

    async def get(self, application_id: str) -> Application | None:
        return await self._store.get_application(application_id)

    async def add(self, app: Application, events: Sequence[ev.ApplicationChanged]) -> None:
        await self._store.add_application(app, events)

    async def save(
        self, app: Application, expected_version: int, events: Sequence[ev.ApplicationChanged] = ()
    ) -> None:
        await self._store.save_application(app, expected_version, events)

    async def find(self, f: ListFilter) -> list[Application]:
        return await self._store.list_applications(f)

    async def waiting_for_posting(
        self, posting_id: str, after_id: str, limit: int
    ) -> list[Application]:
        return await self._store.waiting_for_posting(posting_id, after_id, limit)

    async def first_of_student(self, student_id: str, **equal: str) -> Application | None:
        for app in sorted(self._store.apps.values(), key=lambda a: a.id):
            fields = {"company_id": app.company_id, "university_id": app.university_id}
            fields["status"] = str(app.status)
            if app.student_id == student_id and all(fields[k] == v for k, v in equal.items()):
                return app
        return None


class FakePostings:
    """`ports.PostingRepository` over the store."""

    def __init__(self, store: FakeRepository) -> None:
        self._store = store

    async def get(self, posting_id: str) -> PostingView | None:
        return await self._store.get_posting(posting_id)

    async def open_postings(self) -> list[PostingView]:
        return [p for p in self._store.postings.values() if p.status is PostingStatus.OPEN]

    async def save(
        self, view: PostingView, expected_version: int, events: Sequence[ev.CandidateHired] = ()
    ) -> None:
        await self._store.save_posting(view, expected_version, events)


def view(**overrides: object) -> PostingView:
    base = PostingView(
        id="pst_01jd3k0000000000000000000a",
        company_id="cmp_1",
        title="Competitor scan",
        status=PostingStatus.OPEN,
        visibility=Visibility.PUBLIC,
        approved_universities=frozenset(),
        application_deadline=NOW + timedelta(days=3),
        due_date=NOW + timedelta(days=30),
        positions=1,
        fee=Money(50_000, "USD"),
        acceptance_criteria=("deck",),
        ai_policy=2,
        category=1,
        skills=("market-research",),
        estimated_hours=20,
        source_version=1,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def caller(subject: str, role: str, org: str = "", request_id: str = "r") -> Cause:
    """A request's cause: who calls, and its request id."""
    return Cause(Actor(subject, role, org), request_id)


def student(subject: str = "usr_s1", university: str = "uni_a") -> Cause:
    return caller(subject, "student", university, "req-1")


def employer(company: str = "cmp_1") -> Cause:
    return caller("usr_e1", "employer", company, "req-2")


def build() -> tuple[Handlers, FakeRepository, ManualClock]:
    clock = ManualClock(NOW)
    events = EventFactory(source="/stint/applications", topic="stint.applications.v1", clock=clock)
    repo = FakeRepository(events)
    deps = Deps(FakeApplications(repo), FakePostings(repo), repo.profiles, repo.invitations, clock)
    return Handlers.build(deps, repo.conversations), repo, clock


POSTING = view().id
SYSTEM = Cause.system("req-x", "evt_cause")


async def apply(handlers: Handlers, who: Cause | None = None) -> Application:
    cmd = SubmitApplication(POSTING, "I can do this", ("https://me.example",))
    return await handlers.applications.submit(cmd, who or student(new_id("usr")))


async def shortlisted(handlers: Handlers) -> Application:
    app = await apply(handlers)
    return await handlers.applications.shortlist(app.id, employer())
