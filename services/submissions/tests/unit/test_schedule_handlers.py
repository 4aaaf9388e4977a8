"""Use cases of extensions and milestones with an in-memory store (who may, bounds, events),
the milestone timer, and the two small fixes of issue 20 (endorsed skills as slugs, https
artifacts)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from stint.kit.actor import Actor, Cause
from stint.kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from stint.kit.ids import new_id
from submissions.domain import commands as cmd
from submissions.domain import feedback as fb
from submissions.domain import validation
from submissions.domain.model import Artifact, Engagement
from submissions.domain.validation import Violations
from submissions.domain.values import ExtensionStatus, MilestonePlan, MilestoneStatus

from .fakes import T0, hire
from .test_handlers import World


def fields(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [v.field for v in error.value.violations]


@pytest.fixture
def w() -> World:
    return World()


async def planned(w: World) -> Engagement:
    h = dataclasses.replace(hire(), milestones=(MilestonePlan("Outline", 2),), revision_limit=3)
    await w.h.engagements.start(h, Cause.system(), new_id("evt"))
    e = next(e for e in w.store.docs.values() if e.application_id == h.application_id)
    await w.h.engagements.fund(w.funded(e), Cause.system())
    return w.store.docs[e.id]


async def test_the_student_asks_for_more_time_and_the_employer_grants_it(w: World) -> None:
    e = await w.engagement()
    assert e.due_date is not None
    w.clock.set(e.due_date + timedelta(hours=1))
    await w.h.timers.overdue(e.id)
    assert w.store.docs[e.id].overdue
    new = w.clock.now() + timedelta(days=3)
    asked = cmd.RequestExtension(e.id, new, "the client's data came late")
    e, x = await w.h.schedule.request_extension(asked, w.as_student(e))
    assert x.number == 1
    assert x.status is ExtensionStatus.PENDING
    with pytest.raises(PermissionDenied):  # the requester does not answer
        await w.h.schedule.answer_extension(cmd.AnswerExtension(e.id, "1", True), w.as_student(e))
    e, x = await w.h.schedule.answer_extension(
        cmd.AnswerExtension(e.id, "1", True), w.as_employer(e)
    )
    assert x.status is ExtensionStatus.ACCEPTED
    assert e.due_date == new
    assert not e.overdue
    assert w.store.kinds()[-3:] == ["EngagementOverdue", "ExtensionRequested", "ExtensionGranted"]


async def test_the_asker_withdraws_its_pending_request_and_the_other_side_is_told(
    w: World,
) -> None:
    e = await w.engagement()
    assert e.due_date is not None
    asked = cmd.RequestExtension(e.id, e.due_date + timedelta(days=2), "waiting on data")
    e, _ = await w.h.schedule.request_extension(asked, w.as_employer(e))
    with pytest.raises(PermissionDenied):  # the side that did not ask answers; it never withdraws
        await w.h.schedule.withdraw_extension(
            cmd.AnswerExtension(e.id, "1", False), w.as_student(e)
        )
    with pytest.raises(NotFound):
        await w.h.schedule.withdraw_extension(
            cmd.AnswerExtension(e.id, "2", False), w.as_employer(e)
        )
    with pytest.raises(InvalidArgument):
        await w.h.schedule.withdraw_extension(
            cmd.AnswerExtension(e.id, "0", False), w.as_employer(e)
        )
    e, x = await w.h.schedule.withdraw_extension(
        cmd.AnswerExtension(e.id, "1", False), w.as_employer(e)
    )
    assert x.status is ExtensionStatus.WITHDRAWN
    assert w.store.docs[e.id].extensions[0].status is ExtensionStatus.WITHDRAWN
    assert w.store.kinds()[-2:] == ["ExtensionRequested", "ExtensionWithdrawn"]


async def test_extension_bounds_roles_and_unknown_numbers(w: World) -> None:
    e = await w.engagement()
    assert e.due_date is not None
    cases = [
        (cmd.RequestExtension(e.id, None, ""), ["reason", "new_due_date"]),
        (cmd.RequestExtension(e.id, e.due_date, "r"), ["new_due_date"]),
        (cmd.RequestExtension(e.id, T0 - timedelta(days=1), "r"), ["new_due_date"]),
        (cmd.RequestExtension(e.id, e.due_date + timedelta(days=61), "r"), ["new_due_date"]),
    ]
    for command, expected in cases:
        with pytest.raises(InvalidArgument) as raised:
            await w.h.schedule.request_extension(command, w.as_student(e))
        assert fields(raised) == expected
    fine = cmd.RequestExtension(e.id, e.due_date + timedelta(days=60), "r")
    for outsider in (Cause(Actor("usr_u", "university", e.university_id), "r"), w.as_admin()):
        with pytest.raises(PermissionDenied):
            await w.h.schedule.request_extension(fine, outsider)
    with pytest.raises(NotFound):  # another company's
        await w.h.schedule.request_extension(fine, Cause(Actor("u", "employer", "cmp_x"), "r"))
    await w.h.schedule.request_extension(fine, w.as_employer(e))
    with pytest.raises(FailedPrecondition):  # one pending request at a time
        await w.h.schedule.request_extension(fine, w.as_student(e))
    with pytest.raises(NotFound):
        await w.h.schedule.answer_extension(cmd.AnswerExtension(e.id, "2", True), w.as_student(e))
    with pytest.raises(InvalidArgument) as raised:
        await w.h.schedule.answer_extension(cmd.AnswerExtension(e.id, "x", True), w.as_student(e))
    assert fields(raised) == ["extension_number"]
    declined = cmd.AnswerExtension(e.id, "1", False, "we need it on time")
    e, x = await w.h.schedule.answer_extension(declined, w.as_student(e))
    assert x.status is ExtensionStatus.DECLINED
    assert w.store.kinds()[-1] == "ExtensionDeclined"


async def test_milestones_from_the_hire_are_announced_by_the_timer_and_checked_off(
    w: World,
) -> None:
    e = await planned(w)
    assert e.revision_limit == 3
    assert e.milestones[0].due_at == T0 + timedelta(days=2)
    w.clock.set(T0 + timedelta(days=2))
    await w.h.timers.milestones_due(e.id)
    await w.h.timers.milestones_due(e.id)
    assert w.store.kinds().count("MilestoneDue") == 1
    with pytest.raises(InvalidArgument) as raised:  # the employer hands nothing in
        await w.h.schedule.check_off(cmd.CheckOffMilestone(e.id, "1", "x"), w.as_employer(e))
    assert fields(raised) == ["note"]
    http = Artifact("o.pdf", "http://files.example/o.pdf")
    with pytest.raises(InvalidArgument) as raised:
        await w.h.schedule.check_off(cmd.CheckOffMilestone(e.id, "1", "", http), w.as_student(e))
    assert fields(raised) == ["artifact.url"]
    with pytest.raises(NotFound):
        await w.h.schedule.check_off(cmd.CheckOffMilestone(e.id, "2"), w.as_student(e))
    done = cmd.CheckOffMilestone(e.id, "1", "outline attached")
    e, m = await w.h.schedule.check_off(done, w.as_student(e))
    assert m.status is MilestoneStatus.DONE
    assert m.checked_off_by == e.student_id
    assert w.store.kinds()[-1] == "MilestoneCompleted"
    e, m = await w.h.schedule.check_off(cmd.CheckOffMilestone(e.id, "1"), w.as_employer(e))
    assert m.status is MilestoneStatus.CONFIRMED
    assert w.store.kinds()[-1] == "MilestoneCompleted"


def test_endorsed_skills_are_matched_by_their_slug() -> None:
    posting = ("excel", "data-visualization", "c-plus-plus")
    given = ("Excel", " Data Visualization", "C++", "Cooking")
    skills = fb.endorsements(given, posting)
    assert skills == ("excel", "data-visualization", "c-plus-plus", "Cooking")
    v = Violations()
    validation.rating(v, 5, "", skills, posting, may_endorse=True)
    assert [i.field for i in v.items] == ["endorsed_skills[3]"]


def test_artifact_urls_must_be_https() -> None:
    v = Violations()
    for url in ("http://files.example/a.pdf", "ftp://files.example/a", "https://localhost/a"):
        validation.artifact(v, "a", Artifact("a.pdf", url))
    validation.artifact(v, "ok", Artifact("a.pdf", "https://files.example/a.pdf?v=1"))
    assert [i.field for i in v.items] == ["a.url", "a.url", "a.url"]
