"""Protobuf <-> domain: enums, terms, snapshots, events, list filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from postings.adapters import wire
from postings.domain.commands import Order
from postings.domain.events import DomainEvent, EventKind
from postings.domain.model import Posting
from postings.domain.values import Category, Decision, Status, Visibility
from stint.common.v1 import money_pb2, work_pb2
from stint.kit.actor import Actor, Cause
from stint.kit.errors import InvalidArgument
from stint.postings.v1 import events_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc


@pytest.mark.parametrize("kind", [Category, Status, Visibility, Decision])
def test_every_domain_enum_maps_both_ways(kind: type) -> None:
    for member in kind:
        assert wire.enum_in(kind, wire.enum_out(member)) is member
    assert wire.enum_in(kind, 0) is None
    assert wire.enum_in(kind, 999) is None


def test_terms_in_normalizes_money_and_truncates_to_milliseconds() -> None:
    request = svc.PostingInput(
        title="T",
        category=work_pb2.CATEGORY_DESIGN,
        fee=money_pb2.Money(amount_minor=100, currency=" usd "),
        university_ids=[" uni_a "],
    )
    request.application_deadline.FromDatetime(datetime(2026, 5, 1, 0, 0, 0, 123456, tzinfo=UTC))
    terms = wire.terms_in(request)
    assert terms.fee.currency == "USD"
    assert terms.category is Category.DESIGN
    assert terms.ai_policy is None
    assert terms.due_date is None
    assert terms.university_ids == ("uni_a",)
    assert terms.application_deadline == datetime(2026, 5, 1, 0, 0, 0, 123000, tzinfo=UTC)


def test_snapshot_carries_every_field(make_posting: Callable[..., Posting], now: datetime) -> None:
    posting = make_posting(
        Status.OPEN, visibility=Visibility.UNIVERSITIES, university_ids=("uni_a",)
    )
    posting, _ = posting.decide("uni_a", Decision.DECLINED, "no", now)
    posting, _ = posting.record_hire("app_1", now)
    out = wire.posting_out(posting)
    assert out.status == posting_pb2.POSTING_STATUS_OPEN
    assert out.hired_count == 1
    assert out.fee.amount_minor == 50_000
    assert out.universities[0].decision == posting_pb2.UNIVERSITY_DECISION_DECLINED
    assert out.universities[0].decided_at.ToDatetime(tzinfo=UTC) == now
    assert out.published_at.ToDatetime(tzinfo=UTC) == now
    assert out.application_deadline.ToDatetime(tzinfo=UTC) == posting.terms.application_deadline


def test_events_carry_their_specific_fields(make_posting: Callable[..., Posting]) -> None:
    posting = make_posting(Status.OPEN)
    ctx = Cause(Actor("usr_1", "employer", "cmp_1"), "req-1", "evt_0")
    declined = wire.event_out(
        DomainEvent(EventKind.DECLINED, university_id="uni_a", reason="no"), posting, ctx
    )
    assert isinstance(declined, events_pb2.PostingDeclinedForUniversity)
    assert (declined.university_id, declined.reason) == ("uni_a", "no")
    assert declined.context.actor.org == "cmp_1"
    assert declined.context.causation_id == "evt_0"
    updated = wire.event_out(DomainEvent(EventKind.UPDATED, ("skills",)), posting, ctx)
    assert list(updated.changed_fields) == ["skills"]  # type: ignore[attr-defined]
    assert set(wire.EVENT_TYPES) == set(EventKind)


def test_list_query_in() -> None:
    request = svc.ListPostingsRequest(
        statuses=[posting_pb2.POSTING_STATUS_OPEN],
        skills=["Data Viz", "data viz"],
        skill_match=svc.SKILL_MATCH_ALL,
        query="  churn   model ",
        order=svc.POSTING_ORDER_DEADLINE,
    )
    query = wire.list_query_in(request)
    assert query.statuses == (Status.OPEN,)
    assert query.skills == ("data-viz",)
    assert query.match_all_skills
    assert query.words == ("churn", "model")
    assert query.order is Order.DEADLINE


def test_unknown_filter_values_are_refused_not_dropped() -> None:
    with pytest.raises(InvalidArgument) as caught:
        wire.list_query_in(svc.ListPostingsRequest(statuses=[0, 42], categories=[77]))
    fields = [v.field for v in caught.value.violations]
    assert fields == ["statuses[0]", "statuses[1]", "categories[0]"]
