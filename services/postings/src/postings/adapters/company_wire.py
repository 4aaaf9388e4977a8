"""Companies on the wire: requests in, the Company message and its events out."""

from __future__ import annotations

from google.protobuf.message import Message

from postings.domain.company import (
    Company,
    CompanyEventKind,
    Profile,
    Verification,
    VerificationDecision,
)
from stint.kit import wire as kit
from stint.kit.actor import Cause
from stint.postings.v1 import company_pb2, events_pb2
from stint.postings.v1 import postings_service_pb2 as svc

_PREFIX = "VERIFICATION_STATUS_"
EVENT_TYPES: dict[CompanyEventKind, type[Message]] = {
    CompanyEventKind.UPDATED: events_pb2.CompanyUpdated,
    CompanyEventKind.VERIFIED: events_pb2.CompanyVerified,
    CompanyEventKind.REVOKED: events_pb2.CompanyVerificationRevoked,
}


def status_in(value: int) -> Verification | None:
    if value == 0 or value not in company_pb2.VerificationStatus.values():
        return None
    return Verification(kit.enum_name(company_pb2.VerificationStatus, value, _PREFIX))


def status_out(status: Verification) -> company_pb2.VerificationStatus.ValueType:
    return company_pb2.VerificationStatus.Value(_PREFIX + status.value)


def profile_in(r: svc.UpdateCompanyRequest) -> Profile:
    return Profile(r.display_name, r.website, r.logo_url, r.description)


def decision_in(r: svc.SetCompanyVerificationRequest, admin: str) -> VerificationDecision:
    status = status_in(r.status) or Verification.UNVERIFIED
    return VerificationDecision(status, r.domain, tuple(r.documents), r.note, decided_by=admin)


def company_out(c: Company) -> company_pb2.Company:
    p, v = c.profile, c.verification
    return company_pb2.Company(
        id=c.id,
        display_name=p.display_name,
        website=p.website,
        logo_url=p.logo_url,
        description=p.description,
        verification=company_pb2.CompanyVerification(
            status=status_out(v.status),
            domain=v.domain,
            documents=v.documents,
            note=v.note,
            decided_at=kit.timestamp(v.decided_at),
            decided_by=v.decided_by,
        ),
        created_at=kit.timestamp(c.created_at),
        updated_at=kit.timestamp(c.updated_at),
        version=c.version,
    )


def event_out(kind: CompanyEventKind, company: Company, cause: Cause) -> Message:
    return EVENT_TYPES[kind](context=kit.event_context(cause), company=company_out(company))
