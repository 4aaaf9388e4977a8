"""Use cases with an in-memory repository: authorization, events, hires, closure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from applications.domain import errors
from applications.domain.commands import ListFilter, SubmitApplication
from applications.domain.model import Actor, Application, PostingStatus, Status
from applications.handlers import Handlers
from stint.applications.v1 import events_pb2 as ae
from stint.applications.v1.application_pb2 import ApplicationStatus
from stint.kit.errors import ConcurrencyConflict, InvalidArgument, PermissionDenied, Unauthenticated
from stint.kit.ids import new_id

from .fakes import FakeRepository, build, employer, student, view

POSTING = view().id
SYSTEM = Actor.system("req-x", "evt_cause")


@pytest.fixture
def setup() -> tuple[Handlers, FakeRepository]:
    handlers, repo, _ = build()
    repo.postings[POSTING] = replace(view(), version=1)
    return handlers, repo


async def apply(handlers: Handlers, who: Actor | None = None) -> Application:
    cmd = SubmitApplication(POSTING, "I can do this", ("https://me.example",))
    return await handlers.applications.submit(cmd, who or student(new_id("usr")))


async def shortlisted(handlers: Handlers) -> Application:
    app = await apply(handlers)
    return await handlers.applications.shortlist(app.id, employer())


async def test_submit_records_the_application_and_announces_it(setup: tuple) -> None:
    handlers, repo = setup
    app = await apply(handlers, student("usr_s1", "uni_a"))
    assert (app.status, app.student_id, app.university_id, app.company_id) == (
        Status.SUBMITTED,
        "usr_s1",
        "uni_a",
        "cmp_1",
    )
    [(_, subject, envelope)] = repo.outbox
    assert subject == app.id
    event = ae.ApplicationSubmitted.FromString(envelope.data)
    assert event.posting_title == "Competitor scan"
    assert event.context.actor.subject == "usr_s1"
    assert event.context.correlation_id == "req-1"


async def test_only_students_apply_once(setup: tuple) -> None:
    handlers, _ = setup
    with pytest.raises(PermissionDenied):
        await apply(handlers, employer())
    with pytest.raises(Unauthenticated):
        await apply(handlers, Actor("", "", "", "r"))
    me = student("usr_twice")
    await apply(handlers, me)
    with pytest.raises(errors.DuplicateApplication):
        await apply(handlers, me)


async def test_a_withdrawn_application_frees_the_slot(setup: tuple) -> None:
    handlers, _ = setup
    me = student("usr_again")
    first = await apply(handlers, me)
    await handlers.applications.withdraw(first.id, me)
    second = await apply(handlers, me)
    assert second.id != first.id


async def test_unknown_posting_is_not_found(setup: tuple) -> None:
    handlers, _ = setup
    cmd = SubmitApplication(new_id("pst"), "pitch", ())
    with pytest.raises(errors.PostingNotFound):
        await handlers.applications.submit(cmd, student())


async def test_an_application_racing_a_closure_still_gets_an_answer(setup: tuple) -> None:
    handlers, repo = setup
    real_add = repo.add_application

    async def add_then_close(app: Application, events: list) -> None:
        await real_add(app, events)
        # The posting closed (and its closure pass ran) between the check and the insert.
        repo.postings[POSTING] = replace(repo.postings[POSTING], status=PostingStatus.CLOSED)

    repo.add_application = add_then_close  # type: ignore[method-assign]
    app = await apply(handlers)
    assert (app.status, app.decision_reason) == (Status.REJECTED, "posting_closed")
    assert repo.event_types() == ["ApplicationSubmitted", "ApplicationRejected"]


async def test_only_the_company_decides(setup: tuple) -> None:
    handlers, _ = setup
    me = student("usr_own")
    app = await apply(handlers, me)
    with pytest.raises(errors.ApplicationNotFound):  # another company: not even its existence
        await handlers.applications.shortlist(app.id, employer("cmp_2"))
    with pytest.raises(PermissionDenied):
        await handlers.applications.shortlist(app.id, me)
    with pytest.raises(PermissionDenied):
        await handlers.applications.withdraw(app.id, employer())
    with pytest.raises(errors.ApplicationNotFound):
        await handlers.applications.withdraw(app.id, student("usr_other"))
    admin = Actor("usr_ops", "admin", "", "r")
    assert (await handlers.applications.shortlist(app.id, admin)).status is Status.SHORTLISTED


async def test_reject_needs_a_reason_and_announces_it(setup: tuple) -> None:
    handlers, repo = setup
    app = await apply(handlers)
    with pytest.raises(InvalidArgument):
        await handlers.applications.reject(app.id, "", employer())
    rejected = await handlers.applications.reject(app.id, " Too junior ", employer())
    assert rejected.decision_reason == "Too junior"
    event = ae.ApplicationRejected.FromString(repo.outbox[-1][2].data)
    assert (event.reason, event.automatic) == ("Too junior", False)
    with pytest.raises(errors.WrongStatus):
        await handlers.applications.reject(app.id, "again", employer())


async def test_hire_commits_on_the_posting_with_the_terms(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    hired, posting = await handlers.hiring.hire(app.id, employer())
    assert hired.status is Status.HIRED
    assert posting.hired_application_ids == (app.id,)
    [(kind, doc_id, envelope)] = [o for o in repo.outbox if o[2].type.endswith("CandidateHired")]
    assert (kind, doc_id, envelope.subject, envelope.key) == ("posting", POSTING, app.id, app.id)
    event = ae.CandidateHired.FromString(envelope.data)
    assert event.terms.fee.amount_minor == 50_000
    assert event.terms.posting_title == "Competitor scan"
    assert event.application.status == ApplicationStatus.APPLICATION_STATUS_HIRED
    # A retried request answers again without a second hire.
    again, _ = await handlers.hiring.hire(app.id, employer())
    assert again.status is Status.HIRED
    assert repo.event_types().count("CandidateHired") == 1


async def test_no_hire_without_an_open_position(setup: tuple) -> None:
    handlers, repo = setup
    first, second = await shortlisted(handlers), await shortlisted(handlers)
    await handlers.hiring.hire(first.id, employer())
    with pytest.raises(errors.NoOpenPosition):
        await handlers.hiring.hire(second.id, employer())
    assert repo.apps[second.id].status is Status.SHORTLISTED
    with pytest.raises(errors.WrongStatus):
        await handlers.hiring.hire((await apply(handlers)).id, employer())


async def test_a_hire_that_lost_a_race_decides_again(setup: tuple) -> None:
    handlers, repo = setup
    first, second = await shortlisted(handlers), await shortlisted(handlers)
    real_get = repo.get_posting

    async def meanwhile_hired(posting_id: str):  # type: ignore[no-untyped-def]
        seen = await real_get(posting_id)
        if repo.posting_conflicts:  # the other hire commits between our read and our write
            current = repo.postings[POSTING]
            repo.postings[POSTING] = replace(
                current.with_hire(first.id), version=current.version + 1
            )
        return seen

    repo.get_posting = meanwhile_hired  # type: ignore[method-assign]
    repo.posting_conflicts = 1
    with pytest.raises(errors.NoOpenPosition):
        await handlers.hiring.hire(second.id, employer())
    assert repo.event_types().count("CandidateHired") == 0


async def test_too_many_lost_races_end_in_a_conflict(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    repo.posting_conflicts = 10
    with pytest.raises(ConcurrencyConflict):
        await handlers.hiring.hire(app.id, employer())


async def test_the_hired_event_completes_an_unfinished_hire(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    await handlers.hiring.on_candidate_hired(app.id, app.updated_at)
    assert repo.apps[app.id].status is Status.HIRED
    await handlers.hiring.on_candidate_hired(app.id, app.updated_at)  # redelivered
    assert repo.apps[app.id].version == 3


async def test_the_projection_ignores_stale_snapshots(setup: tuple) -> None:
    handlers, repo = setup
    newer = view(source_version=5, title="v5")
    await handlers.postings.on_posting(newer, SYSTEM)
    await handlers.postings.on_posting(view(source_version=4, title="v4"), SYSTEM)
    await handlers.postings.on_posting(view(source_version=5, title="again"), SYSTEM)
    assert (repo.postings[POSTING].title, repo.postings[POSTING].source_version) == ("v5", 5)


async def test_closure_rejects_every_waiting_application_once(setup: tuple) -> None:
    handlers, repo = setup
    hired = await shortlisted(handlers)
    await handlers.hiring.hire(hired.id, employer())
    waiting = [await apply(handlers), await shortlisted(handlers)]
    gone = await apply(handlers)
    await handlers.applications.withdraw(gone.id, student(gone.student_id))
    filled = view(source_version=2, status=PostingStatus.FILLED)
    for _ in range(2):  # redelivered
        await handlers.postings.on_posting(filled, SYSTEM)
    statuses = {a.id: a.status for a in repo.apps.values()}
    assert statuses[hired.id] is Status.HIRED
    assert statuses[gone.id] is Status.WITHDRAWN
    assert all(statuses[a.id] is Status.REJECTED for a in waiting)
    rejected = [
        ae.ApplicationRejected.FromString(e.data)
        for _, _, e in repo.outbox
        if e.type.endswith("ApplicationRejected")
    ]
    assert sorted(r.application.id for r in rejected) == sorted(a.id for a in waiting)
    assert {(r.reason, r.automatic, r.context.causation_id) for r in rejected} == {
        ("posting_filled", True, "evt_cause")
    }
    # The hired list survived the new snapshot.
    assert repo.postings[POSTING].hired_application_ids == (hired.id,)


async def test_closure_completes_a_hire_the_application_missed(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    current = repo.postings[POSTING]
    repo.postings[POSTING] = current.with_hire(app.id)  # hire committed, request died
    await handlers.postings.on_posting(view(source_version=2, status=PostingStatus.FILLED), SYSTEM)
    assert repo.apps[app.id].status is Status.HIRED
    assert "ApplicationRejected" not in repo.event_types()


async def test_decisions_refuse_a_hired_candidate(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    repo.postings[POSTING] = repo.postings[POSTING].with_hire(app.id)
    with pytest.raises(errors.WrongStatus):
        await handlers.applications.withdraw(app.id, student(app.student_id))


async def test_lists_are_scoped_to_the_caller(setup: tuple) -> None:
    handlers, _ = setup
    mine = [await apply(handlers, student("usr_me", "uni_a")) for _ in range(1)]
    other = await apply(handlers, student("usr_you", "uni_b"))
    page, _ = await handlers.applications.list(ListFilter(), student("usr_me"))
    assert [a.id for a in page] == [a.id for a in mine]
    page, _ = await handlers.applications.list(ListFilter(student_id="usr_you"), student("usr_me"))
    assert page == []
    uni = Actor("usr_u", "university", "uni_b", "r")
    page, _ = await handlers.applications.list(ListFilter(), uni)
    assert [a.id for a in page] == [other.id]
    page, _ = await handlers.applications.list(ListFilter(), employer("cmp_2"))
    assert page == []
    with pytest.raises(PermissionDenied):
        await handlers.applications.list(ListFilter(), Actor("usr_x", "robot", "", "r"))


async def test_pagination_walks_every_application_once(setup: tuple) -> None:
    handlers, _ = setup
    ids = {(await apply(handlers)).id for _ in range(5)}
    seen: list[str] = []
    after = ""
    while True:
        page, after = await handlers.applications.list(
            ListFilter(page_size=2, after_id=after), employer()
        )
        seen += [a.id for a in page]
        if not after:
            break
    assert sorted(seen) == sorted(ids)
    assert seen == sorted(seen, reverse=True)
