"""Protobuf ↔ domain: snapshots, events, list requests and page tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from applications.adapters import wire
from applications.domain import events as ev
from applications.domain.posting import PostingStatus, Visibility
from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2 as ae
from stint.applications.v1.application_pb2 import ApplicationStatus
from stint.common.v1 import money_pb2, pagination_pb2
from stint.kit.actor import Cause
from stint.kit.errors import InvalidArgument
from stint.kit.ids import new_id
from stint.kit.paging import encode_token
from stint.postings.v1 import posting_pb2 as pp

from .fakes import view
from .test_domain import application


def test_posting_snapshot_to_view() -> None:
    p = pp.Posting(
        id="pst_1",
        company_id="cmp_1",
        title="T",
        status=pp.POSTING_STATUS_OPEN,
        visibility=pp.VISIBILITY_UNIVERSITIES,
        universities=[
            pp.UniversityTarget(university_id="uni_a", decision=pp.UNIVERSITY_DECISION_APPROVED),
            pp.UniversityTarget(university_id="uni_b", decision=pp.UNIVERSITY_DECISION_DECLINED),
        ],
        positions=2,
        fee=money_pb2.Money(amount_minor=100, currency="EUR"),
        version=4,
    )
    p.due_date.FromDatetime(datetime(2026, 5, 1, tzinfo=UTC))
    v = wire.posting_view(p)
    assert (v.status, v.visibility, v.approved_universities) == (
        PostingStatus.OPEN,
        Visibility.UNIVERSITIES,
        frozenset({"uni_a"}),
    )
    assert (v.positions, v.fee.amount_minor, v.source_version) == (2, 100, 4)
    assert v.application_deadline is None
    assert v.due_date == datetime(2026, 5, 1, tzinfo=UTC)


def test_events_carry_context_and_snapshot() -> None:
    cause = Cause.system("req-1", "evt_1")
    app = application().reject("posting_closed", datetime(2026, 3, 2, tzinfo=UTC))
    msg = wire.event_message(
        ev.ApplicationChanged(
            ev.Kind.REJECTED, app, "T", cause, reason="posting_closed", automatic=True
        )
    )
    assert isinstance(msg, ae.ApplicationRejected)
    assert msg.application.status == ApplicationStatus.APPLICATION_STATUS_REJECTED
    assert (msg.context.causation_id, msg.context.actor.role) == ("evt_1", "system")
    hired = wire.event_message(ev.CandidateHired(app, view(), app.updated_at, cause))
    assert isinstance(hired, ae.CandidateHired)
    assert hired.terms.acceptance_criteria == ["deck"]


def test_list_request_bounds_and_tokens() -> None:
    last = new_id("app")
    token = encode_token(last)
    req = api.ListApplicationsRequest(
        status=ApplicationStatus.APPLICATION_STATUS_SHORTLISTED,
        page=pagination_pb2.PageRequest(page_size=0, page_token=token),
    )
    f = wire.list_filter(req)
    assert (f.status, f.page.size, f.page.after) == ("SHORTLISTED", 20, last)
    for bad in (
        pagination_pb2.PageRequest(page_size=101),
        pagination_pb2.PageRequest(page_token="garbage!"),
        pagination_pb2.PageRequest(page_token=encode_token("pst_x")),
    ):
        with pytest.raises(InvalidArgument):
            wire.list_filter(api.ListApplicationsRequest(page=bad))


def test_posting_snapshot_carries_the_decision_deadline() -> None:
    p = pp.Posting(id="pst_1", status=pp.POSTING_STATUS_CLOSED, version=2)
    assert wire.posting_view(p).decision_deadline is None
    p.decision_deadline.FromDatetime(datetime(2026, 4, 1, tzinfo=UTC))
    got = wire.posting_view(p, decisions_over=True)
    assert got.decision_deadline == datetime(2026, 4, 1, tzinfo=UTC)
    assert got.decisions_over
    assert got.closure_reason == "decision_deadline_passed"


def test_the_hire_terms_carry_the_postings_revision_limit_and_milestones() -> None:
    from stint.common.v1 import work_pb2

    plan = work_pb2.MilestonePlan(title="Outline", due_offset_days=3, deliverable="1 page")
    p = pp.Posting(id="pst_1", company_id="cmp_1", revision_limit=4, milestones=[plan])
    v = wire.posting_view(p)
    assert v.revision_limit == 4
    terms = wire.engagement_terms(v)
    assert terms.revision_limit == 4
    assert list(terms.milestones) == [plan]
