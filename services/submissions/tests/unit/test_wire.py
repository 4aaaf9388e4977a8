"""The Protobuf boundary: the kit's paging rule, open enums, the consumed hire and funding."""

from __future__ import annotations

from datetime import UTC

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from stint.applications.v1 import events_pb2 as app_events
from stint.common.v1 import event_pb2, pagination_pb2
from stint.kit.actor import SYSTEM_ACTOR
from stint.kit.errors import InvalidArgument
from stint.kit.paging import encode_token
from stint.payouts.v1 import events_pb2 as payout_events
from stint.payouts.v1 import funding_pb2
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters import wire
from submissions.domain import commands as cmd
from submissions.domain.model import AiPolicy, Status

from .fakes import T0, unfunded


def listing(
    size: int, token: str = "", statuses: tuple[int, ...] = ()
) -> api.ListEngagementsRequest:
    page = pagination_pb2.PageRequest(page_size=size, page_token=token)
    return api.ListEngagementsRequest(page=page, statuses=statuses)


@pytest.mark.parametrize("size", [101, -1])
def test_a_page_size_out_of_range_is_refused_not_clamped(size: int) -> None:
    with pytest.raises(InvalidArgument) as raised:
        wire.list_query(listing(size))
    assert [v.field for v in raised.value.violations] == ["page.page_size"]


def test_a_list_query_reads_the_kits_token_and_skips_unknown_statuses() -> None:
    q = wire.list_query(listing(0, encode_token("eng_1"), (pb.ENGAGEMENT_STATUS_ACTIVE, 0, 99)))
    assert (q.page.size, q.page.after) == (20, "eng_1")
    assert q.statuses == (Status.ACTIVE,)


def test_a_hire_of_a_newer_policy_is_unspecified_and_caused_by_its_event() -> None:
    event = app_events.CandidateHired(terms=app_events.EngagementTerms(ai_policy=99))
    assert wire.hire(event).ai_policy is AiPolicy.UNSPECIFIED
    cause = wire.hire_cause(event, "evt_1")
    assert (cause.actor, cause.correlation_id, cause.causation_id) == (
        SYSTEM_ACTOR,
        "evt_1",
        "evt_1",
    )
    event.context.CopyFrom(event_pb2.EventContext(correlation_id="req-1"))
    assert wire.hire_cause(event, "evt_1").correlation_id == "req-1"


def test_a_funding_names_its_engagement_and_an_awaiting_one_says_until_when() -> None:
    funded_at = Timestamp(seconds=1_772_442_000)
    event = payout_events.FundingSecured(
        funding=funding_pb2.Funding(id="fnd_1", engagement_id="eng_1", funded_at=funded_at)
    )
    assert wire.funding(event) == cmd.Funded("eng_1", "fnd_1", funded_at.ToDatetime(UTC))
    assert wire.funding(payout_events.FundingSecured()).funded_at is None
    assert wire.funding_cause(event, "evt_9").causation_id == "evt_9"

    e = unfunded()
    snapshot = wire.engagement(e)
    assert snapshot.status == pb.ENGAGEMENT_STATUS_AWAITING_FUNDING
    assert snapshot.funding_due_at.ToDatetime(UTC) == e.funding_due_at
    assert not snapshot.HasField("started_at")
    e.fund(T0)
    snapshot = wire.engagement(e)
    assert snapshot.status == pb.ENGAGEMENT_STATUS_ACTIVE
    assert not snapshot.HasField("funding_due_at")
    assert snapshot.started_at.ToDatetime(UTC) == T0
    q = wire.list_query(listing(0, statuses=(pb.ENGAGEMENT_STATUS_AWAITING_FUNDING,)))
    assert q.statuses == (Status.AWAITING_FUNDING,)


def test_a_hire_brings_the_names_trimmed_and_bounded_and_the_snapshot_carries_them() -> None:
    from stint.applications.v1 import application_pb2

    application = application_pb2.Application(student_name=" Ada Lovelace ", company_name="A" * 300)
    h = wire.hire(app_events.CandidateHired(application=application))
    assert (h.student_name, h.company_name) == ("Ada Lovelace", "A" * 200)
    e = unfunded()
    e.student_name, e.company_name = "Ada Lovelace", "Acme 3D"
    snapshot = wire.engagement(e)
    assert (snapshot.student_name, snapshot.company_name) == ("Ada Lovelace", "Acme 3D")


def test_an_offer_request_of_an_unknown_kind_is_unspecified_and_statuses_filter_known_ones() -> (
    None
):
    from stint.common.v1 import money_pb2
    from stint.kit.money import Money
    from stint.submissions.v1 import offer_pb2
    from submissions.adapters import offer_wire
    from submissions.domain.offer import OfferKind, OfferStatus

    request = api.MakeOfferRequest(engagement_id="eng_1", kind=99, role_title="Analyst")
    assert offer_wire.make_offer(request).kind is None
    request.kind = offer_pb2.OFFER_KIND_PART_TIME
    request.compensation.CopyFrom(money_pb2.Money(amount_minor=1, currency="EUR"))
    made = offer_wire.make_offer(request)
    assert (made.kind, made.compensation, made.start_date) == (
        OfferKind.PART_TIME,
        Money(1, "EUR"),
        None,
    )
    listing = api.ListOffersRequest(statuses=[offer_pb2.OFFER_STATUS_DECLINED, 0, 42])
    assert offer_wire.offer_query(listing).statuses == (OfferStatus.DECLINED,)
