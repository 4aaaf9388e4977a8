"""Sponsorships and sponsor parts <-> Protobuf."""

from __future__ import annotations

from payouts.domain.sponsor_part import SponsorKind, SponsorPart
from payouts.domain.sponsorship import Scope, Sponsorship, SponsorshipStatus
from payouts.domain.sponsorship_commands import CreateSponsorship
from stint.kit.wire import enum_number, money_message, money_of, timestamp
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.payouts.v1 import sponsorship_pb2 as pb

_KIND = {
    k: pb.SponsorKind.ValueType(enum_number(pb.SponsorKind, k.value, "SPONSOR_KIND_"))
    for k in SponsorKind
}
_KIND_BACK = {int(v): k for k, v in _KIND.items()}
_STATUS = {
    s: pb.SponsorshipStatus.ValueType(
        enum_number(pb.SponsorshipStatus, s.value, "SPONSORSHIP_STATUS_")
    )
    for s in SponsorshipStatus
}
_STATUS_BACK = {int(v): s for s, v in _STATUS.items()}


def status_from_pb(value: int) -> SponsorshipStatus | None:
    """None for UNSPECIFIED."""
    return _STATUS_BACK.get(value)


def create_from_pb(r: svc.CreateSponsorshipRequest) -> CreateSponsorship:
    kind = _KIND_BACK.get(r.sponsor_kind)
    return CreateSponsorship(
        sponsor_kind=kind.value if kind else "",
        sponsor_id=r.sponsor_id,
        sponsor_name=r.sponsor_name,
        budget=money_of(r.budget),
        share_percent=r.share_percent,
        share_amount=money_of(r.share_amount) if r.HasField("share_amount") else None,
        scope=Scope(
            r.university_id,
            tuple(r.company_ids),
            tuple(r.posting_ids),
            r.first_n_per_company,
        ),
    )


def sponsorship_to_pb(s: Sponsorship) -> pb.Sponsorship:
    return pb.Sponsorship(
        id=s.id,
        sponsor_kind=_KIND[s.sponsor_kind],
        sponsor_id=s.sponsor_id,
        sponsor_name=s.sponsor_name,
        status=_STATUS[s.status],
        budget=money_message(s.budget),
        share_percent=s.share_percent,
        share_amount=money_message(s.share_amount) if s.share_amount else None,
        university_id=s.scope.university_id,
        company_ids=s.scope.company_ids,
        posting_ids=s.scope.posting_ids,
        first_n_per_company=s.scope.first_n_per_company,
        reserved=money_message(s.reserved),
        spent=money_message(s.spent),
        remaining=money_message(s.remaining),
        engagements=len(s.claims),
        created_by=s.created_by,
        created_at=timestamp(s.created_at),
        updated_at=timestamp(s.updated_at),
        version=s.version,
    )


def part_to_pb(p: SponsorPart) -> pb.SponsorPart:
    return pb.SponsorPart(
        sponsorship_id=p.sponsorship_id,
        sponsor_kind=_KIND[p.sponsor_kind],
        sponsor_id=p.sponsor_id,
        sponsor_name=p.sponsor_name,
        share=money_message(p.share),
        paid_at=timestamp(p.paid_at),
    )
