"""Student profiles: what a student tells employers about themself, and who sees what.

Pure: no I/O, no protobuf. The name is always visible to the company of a posting the student
applied to (applying shares it); every other field only when the student lists it in
`shared_with_employers`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from applications.domain.commands import link_problem
from applications.domain.skills import MAX_SLUG_LENGTH, normalize_skills, slugify
from stint.kit.actor import Actor
from stint.kit.errors import FieldViolation, InvalidArgument

MAX_NAME_CHARS = 120
MAX_TEXT_CHARS = 200
MAX_SKILLS = 30
MAX_PORTFOLIO_LINKS = 5
# A graduation year is sane within this window around the current year (studies that began
# long ago, or a programme that ends years from now).
YEARS_BACK, YEARS_AHEAD = 60, 10


class CareerStage(enum.StrEnum):
    UNSPECIFIED = "UNSPECIFIED"
    STUDENT = "STUDENT"
    RECENT_GRADUATE = "RECENT_GRADUATE"
    CAREER_CHANGER = "CAREER_CHANGER"


class ProfileField(enum.StrEnum):
    SCHOOL = "SCHOOL"
    PROGRAMME = "PROGRAMME"
    GRADUATION_YEAR = "GRADUATION_YEAR"
    CAREER_STAGE = "CAREER_STAGE"
    SKILLS = "SKILLS"
    PORTFOLIO_LINKS = "PORTFOLIO_LINKS"
    WORK_AUTHORIZATION = "WORK_AUTHORIZATION"


@dataclass(frozen=True)
class School:
    """`university_id` and `verified` only from the org claim; a self-declared one has neither."""

    name: str = ""
    university_id: str = ""
    verified: bool = False


@dataclass(frozen=True)
class ProfileInput:
    """PutMyProfile: the whole profile as the student sends it (a PUT replaces it)."""

    name: str
    school_name: str = ""
    programme: str = ""
    graduation_year: int = 0
    stage: CareerStage = CareerStage.UNSPECIFIED
    skills: tuple[str, ...] = ()
    portfolio_links: tuple[str, ...] = ()
    work_authorized: bool = False
    shared_with_employers: tuple[ProfileField, ...] = ()
    expected_version: int = 0

    def validate(self, this_year: int) -> None:
        """Raise InvalidArgument naming every offending field at once."""
        bad: list[FieldViolation] = []
        name = self.name.strip()
        if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
            bad.append(FieldViolation("name", f"must have 1 to {MAX_NAME_CHARS} characters"))
        for field in ("school_name", "programme"):
            value = getattr(self, field)
            if len(value) > MAX_TEXT_CHARS or not value.isprintable():
                bad.append(FieldViolation(field, f"at most {MAX_TEXT_CHARS} printable characters"))
        year = self.graduation_year
        if year and not this_year - YEARS_BACK <= year <= this_year + YEARS_AHEAD:
            lo, hi = this_year - YEARS_BACK, this_year + YEARS_AHEAD
            bad.append(FieldViolation("graduation_year", f"must be between {lo} and {hi} (or 0)"))
        if len(self.skills) > MAX_SKILLS:
            bad.append(FieldViolation("skills", f"at most {MAX_SKILLS} skills"))
        for i, skill in enumerate(self.skills):
            slug = slugify(skill)
            if not slug or len(slug) > MAX_SLUG_LENGTH:
                bad.append(
                    FieldViolation(f"skills[{i}]", f"1 to {MAX_SLUG_LENGTH} letters or digits")
                )
        if len(self.portfolio_links) > MAX_PORTFOLIO_LINKS:
            bad.append(FieldViolation("portfolio_links", f"at most {MAX_PORTFOLIO_LINKS} links"))
        for i, link in enumerate(self.portfolio_links):
            if reason := link_problem(link):
                bad.append(FieldViolation(f"portfolio_links[{i}]", reason))
        if len(set(self.portfolio_links)) != len(self.portfolio_links):
            bad.append(FieldViolation("portfolio_links", "must not repeat a link"))
        if len(set(self.shared_with_employers)) != len(self.shared_with_employers):
            bad.append(FieldViolation("shared_with_employers", "must not repeat a field"))
        if self.expected_version < 0:
            bad.append(FieldViolation("expected_version", "must not be negative"))
        if bad:
            raise InvalidArgument("; ".join(f"{p.field}: {p.description}" for p in bad), bad)


@dataclass(frozen=True)
class StudentProfile:
    """One per student (`student_id` = the JWT subject; the document's id)."""

    student_id: str
    name: str
    school: School
    programme: str
    graduation_year: int
    stage: CareerStage
    skills: tuple[str, ...]
    portfolio_links: tuple[str, ...]
    work_authorized: bool
    work_authorization_attested_at: datetime | None
    shared_with_employers: tuple[ProfileField, ...]
    created_at: datetime
    updated_at: datetime
    version: int = 0

    @classmethod
    def put(
        cls, student: Actor, cmd: ProfileInput, current: StudentProfile | None, now: datetime
    ) -> StudentProfile:
        """The profile `cmd` replaces `current` with (validated by the caller). The school is
        the org claim's university when the student has one (verified), else the name they
        gave. The attestation time is kept while the student keeps attesting."""
        if student.org:
            school = School(name=cmd.school_name.strip(), university_id=student.org, verified=True)
        else:
            school = School(name=cmd.school_name.strip())
        attested_at = None
        if cmd.work_authorized:
            kept = current is not None and current.work_authorized
            attested_at = current.work_authorization_attested_at if kept and current else now
        return cls(
            student_id=student.subject,
            name=cmd.name.strip(),
            school=school,
            programme=cmd.programme.strip(),
            graduation_year=cmd.graduation_year,
            stage=cmd.stage,
            skills=normalize_skills(cmd.skills),
            portfolio_links=cmd.portfolio_links,
            work_authorized=cmd.work_authorized,
            work_authorization_attested_at=attested_at,
            shared_with_employers=cmd.shared_with_employers,
            created_at=current.created_at if current else now,
            updated_at=now,
            version=(current.version if current else 0) + 1,
        )

    def for_employer(self) -> StudentProfile:
        """What an employer sees: the name, and only the fields the student shares."""
        shared = set(self.shared_with_employers)

        def keep(f: ProfileField) -> bool:
            return f in shared

        return replace(
            self,
            school=self.school if keep(ProfileField.SCHOOL) else School(),
            programme=self.programme if keep(ProfileField.PROGRAMME) else "",
            graduation_year=self.graduation_year if keep(ProfileField.GRADUATION_YEAR) else 0,
            stage=self.stage if keep(ProfileField.CAREER_STAGE) else CareerStage.UNSPECIFIED,
            skills=self.skills if keep(ProfileField.SKILLS) else (),
            portfolio_links=self.portfolio_links if keep(ProfileField.PORTFOLIO_LINKS) else (),
            work_authorized=self.work_authorized and keep(ProfileField.WORK_AUTHORIZATION),
            work_authorization_attested_at=(
                self.work_authorization_attested_at
                if keep(ProfileField.WORK_AUTHORIZATION)
                else None
            ),
        )
