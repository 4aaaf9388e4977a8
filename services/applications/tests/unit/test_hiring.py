"""Hires, the posting projection and the closure guarantee, with an in-memory repository."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from applications.domain import errors
from applications.domain.model import Application, Status
from applications.domain.posting import PostingStatus
from applications.handlers import Handlers
from stint.applications.v1 import events_pb2 as ae
from stint.applications.v1.application_pb2 import ApplicationStatus
from stint.kit.errors import ConcurrencyConflict, PermissionDenied

from .fakes import NOW, POSTING, SYSTEM, apply, caller, employer, shortlisted, student, view


async def refused_second_hire(handlers: Handlers) -> Application:
    """Two shortlisted candidates for the one position: the first is hired, the second is
    refused (NoOpenPosition); returns the second."""
    first, second = await shortlisted(handlers), await shortlisted(handlers)
    await handlers.hiring.hire(first.id, employer())
    with pytest.raises(errors.NoOpenPosition):
        await handlers.hiring.hire(second.id, employer())
    return second


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
    second = await refused_second_hire(handlers)
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
                current.with_hire(first.id, NOW), version=current.version + 1
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
    repo.postings[POSTING] = current.with_hire(app.id, NOW)  # hire committed, request died
    await handlers.postings.on_posting(view(source_version=2, status=PostingStatus.FILLED), SYSTEM)
    assert repo.apps[app.id].status is Status.HIRED
    assert "ApplicationRejected" not in repo.event_types()


async def test_decisions_refuse_a_hired_candidate(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    repo.postings[POSTING] = repo.postings[POSTING].with_hire(app.id, NOW)
    with pytest.raises(errors.WrongStatus):
        await handlers.applications.withdraw(app.id, student(app.student_id))


async def test_a_hire_in_progress_blocks_withdrawal_and_rejection(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    now = repo.apps[app.id].updated_at
    repo.apps[app.id] = repo.apps[app.id].start_hire(now)  # a hire stopped after its mark
    with pytest.raises(errors.WrongStatus):
        await handlers.applications.withdraw(app.id, student(app.student_id))
    with pytest.raises(errors.WrongStatus):
        await handlers.applications.reject(app.id, "no", employer())
    repo.apps[app.id] = replace(repo.apps[app.id], hire_started_at=now - timedelta(minutes=5))
    withdrawn = await handlers.applications.withdraw(app.id, student(app.student_id))
    assert withdrawn.status is Status.WITHDRAWN


async def test_a_refused_hire_leaves_no_mark(setup: tuple) -> None:
    handlers, repo = setup
    second = await refused_second_hire(handlers)
    assert repo.apps[second.id].hire_started_at is None
    await handlers.applications.reject(second.id, "Position filled", employer())


async def test_only_the_company_hires(setup: tuple) -> None:
    handlers, repo = setup
    app = await shortlisted(handlers)
    with pytest.raises(errors.ApplicationNotFound):
        await handlers.hiring.hire(app.id, employer("cmp_2"))
    with pytest.raises(PermissionDenied):
        await handlers.hiring.hire(app.id, student(app.student_id))
    with pytest.raises(PermissionDenied):
        await handlers.hiring.hire(app.id, caller("usr_u", "university", "uni_a"))
    assert repo.apps[app.id].status is Status.SHORTLISTED
    assert repo.event_types().count("CandidateHired") == 0
