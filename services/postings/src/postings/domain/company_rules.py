"""Validation of company profiles and verification decisions, and who may see or change a
company. Pure: the caller arrives as the kit's `Actor`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from postings.domain.company import Company, Profile, VerificationDecision
from postings.domain.errors import NotAllowed
from stint.kit.actor import ADMIN, EMPLOYER, Actor
from stint.kit.errors import FieldViolation, InvalidArgument, NotFound

DISPLAY_NAME = (1, 120)
MAX_URL = 2048
MAX_DESCRIPTION = 2000
MAX_DOCUMENTS = 10
MAX_NOTE = 1000
MAX_ID = 100
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")


class CompanyNotFound(NotFound):
    def __init__(self, company_id: str) -> None:
        super().__init__(f"company {company_id} not found")


def is_https_url(value: str) -> bool:
    if len(value) > MAX_URL or any(c.isspace() for c in value) or not value.isprintable():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


def checked_profile(profile: Profile) -> Profile:
    """The profile as stored (trimmed), or InvalidArgument naming every bad field."""
    p = Profile(
        profile.display_name.strip(),
        profile.website.strip(),
        profile.logo_url.strip(),
        profile.description.strip(),
    )
    bad: list[FieldViolation] = []
    if not DISPLAY_NAME[0] <= len(p.display_name) <= DISPLAY_NAME[1]:
        bad.append(FieldViolation("display_name", "must be 1 to 120 characters"))
    for name, url in (("website", p.website), ("logo_url", p.logo_url)):
        if url and not is_https_url(url):
            bad.append(FieldViolation(name, "must be an https URL"))
    if len(p.description) > MAX_DESCRIPTION:
        bad.append(FieldViolation("description", f"must be at most {MAX_DESCRIPTION} characters"))
    if bad:
        raise InvalidArgument("the company profile is not valid", bad)
    return p


def checked_decision(decision: VerificationDecision) -> VerificationDecision:
    """The decision as stored (domain lower-cased), or InvalidArgument."""
    d = VerificationDecision(
        decision.status,
        decision.domain.strip().lower().rstrip("."),
        tuple(doc.strip() for doc in decision.documents),
        decision.note.strip(),
        decided_by=decision.decided_by,
    )
    bad: list[FieldViolation] = []
    if d.domain and not _DOMAIN.fullmatch(d.domain):
        bad.append(FieldViolation("domain", "must be a domain name such as acme.example"))
    if len(d.documents) > MAX_DOCUMENTS:
        bad.append(FieldViolation("documents", f"at most {MAX_DOCUMENTS} references"))
    for i, doc in enumerate(d.documents):
        if not (is_https_url(doc) or _DOCUMENT_ID.fullmatch(doc)):
            bad.append(FieldViolation(f"documents[{i}]", "must be an https URL or a document id"))
    if len(d.note) > MAX_NOTE:
        bad.append(FieldViolation("note", f"must be at most {MAX_NOTE} characters"))
    if bad:
        raise InvalidArgument("the verification is not valid", bad)
    return d


def checked_id(company_id: str) -> str:
    if not company_id or len(company_id) > MAX_ID or not company_id.isprintable():
        raise InvalidArgument.of("company_id", f"must be 1 to {MAX_ID} characters")
    return company_id


def is_member(actor: Actor, company_id: str) -> bool:
    return actor.role == EMPLOYER and bool(actor.org) and actor.org == company_id


def visible_company(actor: Actor, company: Company | None, company_id: str) -> Company:
    """GetCompany: anyone sees the public profile; its employers and admins the evidence too.
    Unknown is not found, except for the company's own employers (a default profile)."""
    if company is None:
        if not is_member(actor, company_id):
            raise CompanyNotFound(company_id)
        company = Company.default(company_id)
    return company if actor.role == ADMIN or is_member(actor, company_id) else company.public


def require_editor(actor: Actor, company: Company | None, company_id: str) -> None:
    """The company's own employers and admins edit its profile. Other roles never do; another
    company's employer may see a saved profile, so is refused, and an unknown one not found."""
    if actor.role == ADMIN or is_member(actor, company_id):
        return
    if actor.role == EMPLOYER and company is None:
        raise CompanyNotFound(company_id)
    raise NotAllowed("only the company's employers edit its profile")


def require_admin(actor: Actor, action: str) -> None:
    if actor.role != ADMIN:
        raise NotAllowed(f"only admins {action}")
