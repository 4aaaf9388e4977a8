"""Student profiles: validation, the org claim's school, who sees which fields, names on
applications and hires."""

from __future__ import annotations

from dataclasses import replace

import pytest

from applications.domain.profile import CareerStage, ProfileField, ProfileInput, School
from applications.handlers.profiles import ProfileNotFound
from stint.applications.v1 import events_pb2 as ae
from stint.kit.actor import Actor
from stint.kit.errors import ConcurrencyConflict, InvalidArgument, PermissionDenied

from .fakes import NOW, POSTING, apply, caller, employer, shortlisted, student, view

ADA = Actor("usr_ada", "student", "uni_a")


def profile_input(**overrides: object) -> ProfileInput:
    base = ProfileInput(
        name="  Ada Lovelace ",
        school_name="Self-declared College",
        programme="Mathematics",
        graduation_year=NOW.year + 1,
        stage=CareerStage.STUDENT,
        skills=("Data Visualization", "C++", "data visualization"),
        portfolio_links=("https://ada.example.org",),
        work_authorized=True,
        shared_with_employers=(ProfileField.SKILLS, ProfileField.SCHOOL),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


async def test_put_normalises_and_takes_the_school_from_the_org_claim(setup: tuple) -> None:
    handlers, _ = setup
    saved = await handlers.profiles.put(profile_input(), ADA)
    assert saved.name == "Ada Lovelace"
    assert saved.skills == ("data-visualization", "c-plus-plus")
    assert saved.school == School("Self-declared College", "uni_a", verified=True)
    assert saved.work_authorization_attested_at == NOW
    assert saved.version == 1
    assert await handlers.profiles.mine(ADA) == saved
    # Without an org claim the school is self-declared: no university id, never verified.
    free = await handlers.profiles.put(profile_input(), Actor("usr_free", "student"))
    assert free.school == School("Self-declared College", "", verified=False)


async def test_put_replaces_and_checks_the_version(setup: tuple) -> None:
    handlers, _ = setup
    await handlers.profiles.put(profile_input(), ADA)
    second = await handlers.profiles.put(profile_input(skills=(), expected_version=1), ADA)
    assert (second.version, second.skills) == (2, ())
    assert second.work_authorization_attested_at == NOW  # still attested: the time is kept
    with pytest.raises(ConcurrencyConflict):
        await handlers.profiles.put(profile_input(expected_version=1), ADA)
    withdrawn = await handlers.profiles.put(profile_input(work_authorized=False), ADA)
    assert withdrawn.work_authorization_attested_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"graduation_year": 1900}, "graduation_year"),
        ({"graduation_year": NOW.year + 11}, "graduation_year"),
        ({"skills": ("???",)}, "skills[0]"),
        ({"skills": tuple(f"s{i}" for i in range(31))}, "skills"),
        ({"portfolio_links": ("http://ada.example.org",)}, "portfolio_links[0]"),
        ({"portfolio_links": ("https://a.example",) * 2}, "portfolio_links"),
        ({"shared_with_employers": (ProfileField.SKILLS,) * 2}, "shared_with_employers"),
    ],
)
async def test_put_refuses_bad_input(setup: tuple, overrides: dict, field: str) -> None:
    handlers, _ = setup
    with pytest.raises(InvalidArgument) as refused:
        await handlers.profiles.put(profile_input(**overrides), ADA)
    assert field in [v.field for v in refused.value.violations]


async def test_only_students_have_a_profile(setup: tuple) -> None:
    handlers, _ = setup
    with pytest.raises(PermissionDenied):
        await handlers.profiles.put(profile_input(), employer().actor)
    with pytest.raises(ProfileNotFound):
        await handlers.profiles.mine(ADA)


async def test_an_employer_sees_the_name_and_consented_fields_once_applied(setup: tuple) -> None:
    handlers, _ = setup
    await handlers.profiles.put(profile_input(), ADA)
    boss = employer().actor
    with pytest.raises(ProfileNotFound):  # not applied yet: no leak that a profile exists
        await handlers.profiles.of_student(ADA.subject, boss)
    await apply(handlers, student(ADA.subject, "uni_a"))
    seen = await handlers.profiles.of_student(ADA.subject, boss)
    assert (seen.name, seen.skills, seen.school.name) == (
        "Ada Lovelace",
        ("data-visualization", "c-plus-plus"),
        "Self-declared College",
    )
    assert (seen.programme, seen.graduation_year, seen.portfolio_links) == ("", 0, ())
    assert (seen.stage, seen.work_authorized) == (CareerStage.UNSPECIFIED, False)
    with pytest.raises(ProfileNotFound):  # another company
        await handlers.profiles.of_student(ADA.subject, employer("cmp_other").actor)


async def test_who_else_reads_a_profile(setup: tuple) -> None:
    handlers, _ = setup
    full = await handlers.profiles.put(profile_input(), ADA)
    assert await handlers.profiles.of_student(ADA.subject, ADA) == full
    assert await handlers.profiles.of_student(ADA.subject, Actor("usr_adm", "admin")) == full
    own_uni = Actor("usr_u", "university", "uni_a")
    assert await handlers.profiles.of_student(ADA.subject, own_uni) == full
    for other in (Actor("usr_u", "university", "uni_b"), Actor("usr_other", "student")):
        with pytest.raises(ProfileNotFound):
            await handlers.profiles.of_student(ADA.subject, other)


async def test_a_university_sees_a_self_declared_student_who_applied_with_its_claim(
    setup: tuple,
) -> None:
    handlers, _ = setup
    await handlers.profiles.put(profile_input(), Actor("usr_bo", "student"))
    uni = Actor("usr_u", "university", "uni_a")
    with pytest.raises(ProfileNotFound):
        await handlers.profiles.of_student("usr_bo", uni)
    await apply(handlers, student("usr_bo", "uni_a"))  # the application records the claim
    assert (await handlers.profiles.of_student("usr_bo", uni)).name == "Ada Lovelace"


async def test_applications_carry_names_and_the_hire_refreshes_the_student_s(
    setup: tuple,
) -> None:
    handlers, repo = setup
    repo.postings[POSTING] = replace(view(company_name="Acme Ltd"), version=1)
    await handlers.profiles.put(profile_input(), ADA)
    app = await apply(handlers, student(ADA.subject, "uni_a"))
    assert (app.student_name, app.company_name) == ("Ada Lovelace", "Acme Ltd")
    await handlers.applications.shortlist(app.id, employer())
    await handlers.profiles.put(profile_input(name="Ada King"), ADA)
    assert repo.apps[app.id].student_name == "Ada Lovelace"  # a snapshot at apply time
    hired, _ = await handlers.hiring.hire(app.id, employer())
    assert (hired.student_name, repo.apps[app.id].student_name) == ("Ada King", "Ada King")
    [env] = [e for _, _, e in repo.outbox if e.type.endswith("CandidateHired")]
    event = ae.CandidateHired.FromString(env.data)
    assert (event.application.student_name, event.application.company_name) == (
        "Ada King",
        "Acme Ltd",
    )


async def test_without_a_profile_the_names_are_empty(setup: tuple) -> None:
    handlers, _ = setup
    app = await shortlisted(handlers)
    assert (app.student_name, app.company_name) == ("", "")
    hired, _ = await handlers.hiring.hire(app.id, caller("usr_e1", "employer", "cmp_1"))
    assert hired.student_name == ""
