"""Protobuf meets the offer here: requests in, the Offer message and the offer events of
`stint.submissions.v1` out (`wire.envelopes_for` routes offer events to `event`)."""

from __future__ import annotations

from google.protobuf.message import Message

from stint.common.v1 import work_pb2
from stint.kit.actor import Cause
from stint.kit.wire import (
    enum_name,
    enum_number,
    event_context,
    money_message,
    money_of,
    optional_time,
    paging,
    timestamp,
)
from stint.submissions.v1 import events_pb2 as events
from stint.submissions.v1 import offer_pb2 as pb
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain import offer as of

EVENTS = (ev.OfferMade, ev.OfferAccepted, ev.OfferDeclined, ev.OfferWithdrawn)


def make_offer(r: api.MakeOfferRequest) -> cmd.MakeOffer:
    """An unspecified or unknown kind is None (a field violation)."""
    kind = None
    if r.kind != pb.OFFER_KIND_UNSPECIFIED and r.kind in pb.OfferKind.values():
        kind = of.OfferKind(enum_name(pb.OfferKind, r.kind, "OFFER_KIND_"))
    compensation = money_of(r.compensation) if r.HasField("compensation") else None
    start = optional_time(r, "start_date")
    return cmd.MakeOffer(r.engagement_id, kind, r.role_title, r.details, start, compensation)


def offer_query(r: api.ListOffersRequest) -> cmd.OfferQuery:
    """Unknown or unspecified statuses filter nothing; the page follows the kit's rule."""
    statuses = tuple(
        of.OfferStatus(enum_name(pb.OfferStatus, s, "OFFER_STATUS_"))
        for s in r.statuses
        if s != pb.OFFER_STATUS_UNSPECIFIED and s in pb.OfferStatus.values()
    )
    return cmd.OfferQuery(statuses, r.company_id, r.student_id, r.university_id, paging(r.page))


def offer(o: of.Offer) -> pb.Offer:
    t = o.terms
    return pb.Offer(
        id=o.id,
        engagement_id=o.engagement_id,
        posting_id=o.posting_id,
        company_id=o.company_id,
        company_name=o.company_name,
        student_id=o.student_id,
        student_name=o.student_name,
        university_id=o.university_id,
        category=work_pb2.Category.ValueType(
            enum_number(work_pb2.Category, o.category, "CATEGORY_")
        ),
        kind=pb.OfferKind.ValueType(enum_number(pb.OfferKind, t.kind.value, "OFFER_KIND_")),
        role_title=t.role_title,
        details=t.details,
        start_date=timestamp(t.start_date),
        compensation=money_message(t.compensation) if t.compensation else None,
        status=pb.OfferStatus.ValueType(
            enum_number(pb.OfferStatus, o.status.value, "OFFER_STATUS_")
        ),
        decline_reason=o.decline_reason,
        made_by=o.made_by,
        made_at=timestamp(o.made_at),
        answered_at=timestamp(o.answered_at),
        updated_at=timestamp(o.updated_at),
        version=o.version,
    )


def event(e: ev.Event, cause: Cause) -> tuple[Message, str]:
    """An offer event and its subject (the engagement id: the topic's key, so an offer's
    events stay in order with its engagement's)."""
    c = event_context(cause)
    match e:
        case ev.OfferMade(snap):
            msg: Message = events.OfferMade(context=c, offer=offer(snap))
        case ev.OfferAccepted(snap):
            msg = events.OfferAccepted(context=c, offer=offer(snap))
        case ev.OfferDeclined(snap):
            msg = events.OfferDeclined(context=c, offer=offer(snap))
        case ev.OfferWithdrawn(snap):
            msg = events.OfferWithdrawn(context=c, offer=offer(snap))
        case _:
            raise TypeError(f"no wire form for {type(e).__name__}")
    return msg, snap.engagement_id
