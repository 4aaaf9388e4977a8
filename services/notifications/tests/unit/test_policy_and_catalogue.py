"""Retry schedule, input rules, ids, type names and tenant routing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from buf.validate import validate_pb2

from notifications.adapters.catalogue import (
    CATALOGUE,
    TYPE_NAMES,
    example,
    tenants_of,
    type_name,
)
from notifications.config import DEFAULT_SCHEDULE
from notifications.domain import access, inbox, policy
from notifications.domain.errors import NotAnOwner
from notifications.domain.model import COMPANY, PLATFORM, UNIVERSITY, Owner
from stint.applications.v1.application_pb2 import Application
from stint.applications.v1.events_pb2 import ApplicationSubmitted
from stint.common.v1.event_pb2 import Actor, EventContext
from stint.kit.actor import Actor as Who
from stint.kit.errors import InvalidArgument
from stint.kit.ids import is_id
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.events_pb2 import WebhookEndpointDisabled
from stint.payouts.v1.events_pb2 import PayoutPaid
from stint.payouts.v1.payout_pb2 import Payout
from stint.postings.v1.events_pb2 import PostingPublished
from stint.postings.v1.posting_pb2 import Posting, UniversityTarget

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
RETRY = policy.RetryPolicy(DEFAULT_SCHEDULE, 0.2, 3600.0, timedelta(days=5))


def test_schedule_follows_standard_webhooks_without_jitter() -> None:
    delays = [
        (RETRY.next_attempt(n, NOW, rand=lambda: 0.5) - NOW).total_seconds()  # type: ignore[operator]
        for n in range(8)
    ]
    assert delays == [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    assert RETRY.next_attempt(8, NOW) is None


@pytest.mark.parametrize(("rand", "factor"), [(0.0, 0.8), (1.0, 1.2)])
def test_jitter_stays_within_twenty_percent(rand: float, factor: float) -> None:
    due = RETRY.next_attempt(2, NOW, rand=lambda: rand)
    assert due == NOW + timedelta(seconds=300 * factor)


def test_retry_after_pushes_later_but_is_bounded() -> None:
    assert RETRY.next_attempt(1, NOW, 60, rand=lambda: 0.5) == NOW + timedelta(seconds=60)
    assert RETRY.next_attempt(1, NOW, 1, rand=lambda: 0.5) == NOW + timedelta(seconds=5)
    assert RETRY.next_attempt(1, NOW, 10**9, rand=lambda: 0.5) == NOW + timedelta(hours=1)


def test_retry_after_header_forms() -> None:
    assert policy.parse_retry_after("120", NOW) == 120
    assert policy.parse_retry_after("Sun, 01 Mar 2026 12:01:00 GMT", NOW) == 60
    assert policy.parse_retry_after("soon", NOW) is None
    assert policy.parse_retry_after(None, NOW) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://ats.example.com/hooks", ""),
        ("https://ats.internal/hooks", ""),  # names are judged at connect time
        ("http://10.0.0.1:8080/x", "private"),  # literals at once
        ("http://[::1]/x", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "cloud metadata"),
        ("", "required"),
        ("ftp://example.com", "http"),
        ("https://user:pw@example.com", "credentials"),
        ("https://example.com:99999/", "port must be"),
        ("https://" + "a" * 2000 + ".com", "at most"),
    ],
)
def test_url_rules(url: str, problem: str) -> None:
    found = policy.url_problem(url)
    assert (problem in found) if problem else found == ""


def test_loopback_literal_only_when_allowed() -> None:
    assert policy.url_problem("http://127.0.0.1:9000/", allow_loopback=True) == ""
    assert "loopback" in policy.url_problem("http://127.0.0.1:9000/")


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidArgument) as err:
        policy.validate_endpoint("nope", "x" * 501, ["a.b", "candidate.hired", "c.d"], TYPE_NAMES)
    fields = [v.field for v in err.value.violations]
    assert fields == ["url", "description", "event_types[0]", "event_types[2]"]


def test_owners_come_from_role_and_org() -> None:
    assert access.owner_of(Who("usr_1", "employer", "cmp_1")) == Owner(COMPANY, "cmp_1")
    assert access.owner_of(Who("usr_1", "university", "uni_1")) == Owner(UNIVERSITY, "uni_1")
    assert access.owner_of(Who("usr_1", "admin", "")) == Owner(PLATFORM, "")
    for role, org in [("student", "uni_1"), ("employer", ""), ("", "")]:
        with pytest.raises(NotAnOwner):
            access.owner_of(Who("usr_1", role, org))


def test_message_ids_are_deterministic_per_event_and_endpoint() -> None:
    one = policy.message_id("evt_1", "whe_1", NOW)
    assert is_id(one, "msg")
    assert one == policy.message_id("evt_1", "whe_1", NOW)
    assert one != policy.message_id("evt_1", "whe_2", NOW)
    assert one < policy.message_id("evt_0", "whe_1", NOW + timedelta(milliseconds=1))


def test_type_names() -> None:
    names = {kind.name for kind in CATALOGUE}
    assert {"posting.published", "application.submitted", "candidate.hired"} <= names
    assert {"submission.approved", "payout.paid", "payout.on_hold"} <= names
    assert type_name("ExperienceRecordIssued") == "experience_record.issued"
    assert "engagement_terms" not in " ".join(names)  # not an event: no EventContext
    assert len(names) == len(CATALOGUE)


def test_tenants_come_from_snapshots_not_from_the_actor() -> None:
    ctx = EventContext(actor=Actor(subject="u", role="employer", org="cmp_actor"))
    app = Application(company_id="cmp_1", student_id="usr_1", university_id="uni_1")
    tenants = tenants_of(ApplicationSubmitted(context=ctx, application=app))
    assert tenants.companies == {"cmp_1"}
    assert tenants.universities == {"uni_1"}
    assert tenants.students == {"usr_1"}
    assert not tenants.concerns(Owner(COMPANY, "cmp_actor"))
    assert tenants.concerns(Owner(PLATFORM, ""))


def test_universities_see_postings_aimed_at_them_only() -> None:
    targets = [UniversityTarget(university_id="uni_1"), UniversityTarget(university_id="uni_2")]
    posting = Posting(company_id="cmp_1", universities=targets)
    tenants = tenants_of(PostingPublished(posting=posting))
    assert tenants.concerns(Owner(UNIVERSITY, "uni_2"))
    assert not tenants.concerns(Owner(UNIVERSITY, "uni_3"))
    assert not tenants_of(PayoutPaid(payout=Payout(company_id="cmp_1"))).universities


def test_disabled_endpoint_event_goes_to_its_owner() -> None:
    event = WebhookEndpointDisabled(owner_kind="university", owner_id="uni_9")
    assert tenants_of(event).concerns(Owner(UNIVERSITY, "uni_9"))


def test_every_catalogue_example_is_a_valid_payload() -> None:
    for kind in CATALOGUE:
        body = json.loads(example(kind))
        assert body["type"] == kind.name
        assert set(body) == {"type", "timestamp", "data"}
        assert body["data"]["context"]["actor"]


def _allowed(message: Any, field: str) -> list[str]:
    descriptor = message.DESCRIPTOR.fields_by_name[field]
    rules = descriptor.GetOptions().Extensions[validate_pb2.field]
    string = rules.repeated.items.string if descriptor.is_repeated else rules.string
    return list(getattr(string, "in"))


def test_the_protos_list_exactly_the_catalogue_types_and_the_inbox_kinds() -> None:
    # The OpenAPI offers the protos' lists; a type added to the catalogue but not to the proto
    # would be refused by the edge, one in the proto only accepted there and refused here.
    for request in (pb.CreateWebhookEndpointRequest, pb.UpdateWebhookEndpointRequest):
        assert sorted(_allowed(request, "event_types")) == sorted(TYPE_NAMES)
    assert sorted(_allowed(pb.Preference, "kind")) == sorted(inbox.KINDS)
