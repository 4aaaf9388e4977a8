"""Who may change and who may see a posting. Pure: the caller arrives as the kit's `Actor`.

Cross-tenant access reads as "not found", so that posting ids do not leak between companies.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from postings.domain.errors import NotAllowed, PostingNotFound, UniversityNotTargeted
from postings.domain.model import Posting
from postings.domain.values import Decision, Visibility
from stint.kit.actor import ADMIN, EMPLOYER, STUDENT, UNIVERSITY, Actor
from stint.kit.errors import InvalidArgument


class ScopeKind(enum.Enum):
    ALL = "all"
    COMPANY = "company"
    STUDENT = "student"
    UNIVERSITY = "university"


@dataclass(frozen=True)
class Scope:
    """The postings a caller may see, as data the repository turns into a query:
    ALL (admin), COMPANY (employer: every status of `org`'s postings), STUDENT (published
    public postings plus those approved for university `org`), UNIVERSITY (published postings
    aimed at `org`)."""

    kind: ScopeKind
    org: str = ""


def scope_for(actor: Actor) -> Scope:
    if actor.role == ADMIN:
        return Scope(ScopeKind.ALL)
    if actor.role == EMPLOYER and actor.org:
        return Scope(ScopeKind.COMPANY, actor.org)
    if actor.role == STUDENT and actor.subject:
        return Scope(ScopeKind.STUDENT, actor.org)
    if actor.role == UNIVERSITY and actor.org:
        return Scope(ScopeKind.UNIVERSITY, actor.org)
    raise NotAllowed("this role cannot read postings")


def can_see(actor: Actor, posting: Posting) -> bool:
    """The same rule as `scope_for`, for one posting already loaded."""
    scope = scope_for(actor)
    if scope.kind is ScopeKind.ALL:
        return True
    if scope.kind is ScopeKind.COMPANY:
        return posting.company_id == scope.org
    if posting.published_at is None:  # drafts, and drafts cancelled before publishing
        return False
    if scope.kind is ScopeKind.UNIVERSITY:
        return any(t.university_id == scope.org for t in posting.universities)
    if posting.terms.visibility is Visibility.PUBLIC:
        return True
    return bool(scope.org) and any(
        t.university_id == scope.org and t.decision is Decision.APPROVED
        for t in posting.universities
    )


def require_visible(actor: Actor, posting: Posting | None, posting_id: str) -> Posting:
    if posting is None or not can_see(actor, posting):
        raise PostingNotFound(posting_id)
    return posting


def require_manager(actor: Actor, posting: Posting | None, posting_id: str) -> Posting:
    """Only the owning company's employer staff, or an admin, change a posting. Anyone
    else who can see it is refused; anyone who cannot see it gets not found."""
    if posting is None:
        raise PostingNotFound(posting_id)
    if actor.role == ADMIN or (actor.role == EMPLOYER and actor.org == posting.company_id):
        return posting
    if actor.role in (STUDENT, UNIVERSITY, EMPLOYER) and can_see(actor, posting):
        raise NotAllowed("only the posting's company may change it")
    raise PostingNotFound(posting_id)


def require_flagger(actor: Actor, posting: Posting | None, posting_id: str) -> Posting:
    """Students and universities flag what they can see; employers of another company flag
    published public postings (public information); the owning company and admins do not
    flag (they edit, cancel or take down)."""
    if posting is None:
        raise PostingNotFound(posting_id)
    if actor.role == EMPLOYER and actor.org and actor.org != posting.company_id:
        public = posting.terms.visibility is Visibility.PUBLIC
        if public and posting.published_at is not None:
            return posting
        raise PostingNotFound(posting_id)
    if actor.role in (STUDENT, UNIVERSITY):
        return require_visible(actor, posting, posting_id)
    if actor.role == EMPLOYER or actor.role == ADMIN:
        require_visible(actor, posting, posting_id)
        raise NotAllowed("the posting's company and admins do not flag it")
    raise NotAllowed("this role cannot flag postings")


def for_viewer(actor: Actor, posting: Posting) -> Posting:
    """What the caller sees of a posting it may see: the review (findings, flags, reasons)
    only for the posting's company and admins."""
    if actor.role == ADMIN or (actor.role == EMPLOYER and actor.org == posting.company_id):
        return posting
    return replace(posting, review=None, flagged_by=())


def company_for_new_posting(actor: Actor, requested: str) -> str:
    """Employers create for their own company; admins name one."""
    if actor.role == EMPLOYER and actor.org:
        if requested and requested != actor.org:
            raise NotAllowed("employers create postings for their own company only")
        return actor.org
    if actor.role == ADMIN:
        if not requested:
            raise InvalidArgument.of("company_id", "is required when an admin creates a posting")
        return requested
    raise NotAllowed("only employer staff create postings")


def university_for_decision(
    actor: Actor, posting: Posting | None, posting_id: str, requested: str
) -> tuple[Posting, str]:
    """A university decides for itself only, on postings aimed at it; admins for any target."""
    if posting is None:
        raise PostingNotFound(posting_id)
    targets = {t.university_id for t in posting.universities}
    if actor.role == UNIVERSITY and actor.org:
        if requested and requested != actor.org:
            raise NotAllowed("a university decides for itself only")
        if actor.org not in targets or posting.published_at is None:
            raise PostingNotFound(posting_id)
        return posting, actor.org
    if actor.role == ADMIN:
        if requested not in targets:
            raise UniversityNotTargeted(requested)
        return posting, requested
    require_visible(actor, posting, posting_id)
    raise NotAllowed("only a targeted university's career office decides")
