"""Use cases with an in-memory repository: applying, deciding, listing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from applications.domain import errors
from applications.domain.commands import ListFilter, SubmitApplication
from applications.domain.model import Application, Status
from applications.domain.posting import PostingStatus
from stint.applications.v1 import events_pb2 as ae
from stint.kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from stint.kit.ids import new_id
from stint.kit.paging import page_request

from .fakes import POSTING, apply, caller, employer, student


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
        await apply(handlers, caller("", ""))
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
        # The posting was filled (and its closure pass ran) between the check and the insert.
        repo.postings[POSTING] = replace(repo.postings[POSTING], status=PostingStatus.FILLED)

    repo.add_application = add_then_close  # type: ignore[method-assign]
    app = await apply(handlers)
    assert (app.status, app.decision_reason) == (Status.REJECTED, "posting_filled")
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
    admin = caller("usr_ops", "admin")
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


async def test_lists_are_scoped_to_the_caller(setup: tuple) -> None:
    handlers, _ = setup
    mine = [await apply(handlers, student("usr_me", "uni_a")) for _ in range(1)]
    other = await apply(handlers, student("usr_you", "uni_b"))
    me = student("usr_me").actor
    page = (await handlers.applications.list(ListFilter(), me)).items
    assert [a.id for a in page] == [a.id for a in mine]
    page = (await handlers.applications.list(ListFilter(student_id="usr_you"), me)).items
    assert page == []
    uni = caller("usr_u", "university", "uni_b").actor
    page = (await handlers.applications.list(ListFilter(), uni)).items
    assert [a.id for a in page] == [other.id]
    page = (await handlers.applications.list(ListFilter(), employer("cmp_2").actor)).items
    assert page == []
    with pytest.raises(PermissionDenied):
        await handlers.applications.list(ListFilter(), caller("usr_x", "robot").actor)


async def test_pagination_walks_every_application_once(setup: tuple) -> None:
    handlers, _ = setup
    ids = {(await apply(handlers)).id for _ in range(5)}
    seen: list[str] = []
    token = ""
    while True:
        page = await handlers.applications.list(
            ListFilter(page=page_request(2, token)), employer().actor
        )
        seen += [a.id for a in page.items]
        token = page.next_token
        if not token:
            break
    assert sorted(seen) == sorted(ids)
    assert seen == sorted(seen, reverse=True)
