"""Use cases of student profiles: the student's own, and who may read whose."""

from __future__ import annotations

from applications import metrics
from applications.domain import access
from applications.domain.model import Status
from applications.domain.profile import ProfileInput, StudentProfile
from applications.handlers.ports import Deps
from stint.kit.actor import ADMIN, EMPLOYER, STUDENT, UNIVERSITY, Actor
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import ConcurrencyConflict, InvalidArgument, NotFound, PermissionDenied

MAX_STUDENT_ID_CHARS = 128


class ProfileNotFound(NotFound):
    """No profile, or not one the caller may see."""


class ProfileHandlers:
    """GetMyProfile, PutMyProfile, GetStudentProfile; and the name other use cases show."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    async def mine(self, actor: Actor) -> StudentProfile:
        """The calling student's profile."""
        _require_student(actor)
        profile = await self._d.profiles.get(actor.subject)
        if profile is None:
            raise ProfileNotFound("you have no profile yet")
        return profile

    async def put(self, cmd: ProfileInput, actor: Actor) -> StudentProfile:
        """Replace the calling student's profile (school from the org claim). Emits nothing."""
        _require_student(actor)
        cmd.validate(self._d.clock.now().year)

        async def attempt() -> StudentProfile:
            current = await self._d.profiles.get(actor.subject)
            stored = current.version if current else 0
            if cmd.expected_version and cmd.expected_version != stored:
                raise ConcurrencyConflict(f"the profile is at version {stored}")
            new = StudentProfile.put(actor, cmd, current, self._d.clock.now())
            await self._d.profiles.save(new, stored)
            return new

        saved = await retry_on_conflict(attempt, attempts=self._d.write_attempts)
        metrics.PROFILES_UPDATED.inc()
        return saved

    async def of_student(self, student_id: str, actor: Actor) -> StudentProfile:
        """A student's profile as `actor` may see it: the student and admins all of it, a
        university its own students' (org claim on the profile or on an application), an
        employer the name and consented fields once the student applied to the company;
        NotFound for everyone else (no leak of who has a profile)."""
        access.require_identity(actor)
        if not student_id or len(student_id) > MAX_STUDENT_ID_CHARS:
            raise InvalidArgument.of("student_id", f"1 to {MAX_STUDENT_ID_CHARS} characters")
        profile = await self._d.profiles.get(student_id)
        if profile is None or not await self._may_see(profile, actor):
            raise ProfileNotFound(f"student {student_id} not found")
        return profile.for_employer() if actor.role == EMPLOYER else profile

    async def name_of(self, student_id: str) -> str:
        """The student's current name ("" without a profile)."""
        profile = await self._d.profiles.get(student_id)
        return profile.name if profile else ""

    async def _may_see(self, profile: StudentProfile, actor: Actor) -> bool:
        apps = self._d.applications
        if actor.role == ADMIN:
            return True
        if actor.role == STUDENT:
            return actor.subject == profile.student_id
        if actor.role == EMPLOYER and actor.org:
            return await apps.first_of_student(profile.student_id, company_id=actor.org) is not None
        if actor.role == UNIVERSITY and actor.org:
            if profile.school.verified and profile.school.university_id == actor.org:
                return True
            found = await apps.first_of_student(profile.student_id, university_id=actor.org)
            return found is not None
        return False

    async def known_student_university(self, student_id: str, company_id: str) -> str | None:
        """The university of a student who applied to or was hired by `company_id` (the
        profile's verified one, else their hired application's, else any application's to
        the company), or None when the student never applied to the company."""
        hired = await self._d.applications.first_of_student(
            student_id, company_id=company_id, status=str(Status.HIRED)
        )
        known = hired or await self._d.applications.first_of_student(
            student_id, company_id=company_id
        )
        if known is None:
            return None
        profile = await self._d.profiles.get(student_id)
        if profile is not None and profile.school.verified:
            return profile.school.university_id
        return known.university_id


def _require_student(actor: Actor) -> None:
    access.require_identity(actor)
    if actor.role != STUDENT:
        raise PermissionDenied("only students have a profile")
