"""`stint.kit.wire`: the protobuf primitives, each defined once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from google.protobuf.timestamp_pb2 import Timestamp

from stint.common.v1.pagination_pb2 import PageRequest as PageRequestMessage
from stint.kit import wire
from stint.kit.actor import SYSTEM, Actor, Cause
from stint.kit.grpc import Caller
from stint.kit.money import Money
from stint.kit.paging import Page, PageRequest, encode_token
from stint.postings.v1 import posting_pb2


def test_times_are_truncated_to_milliseconds_both_ways() -> None:
    fine = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
    stamp = wire.timestamp(fine)
    assert stamp is not None
    assert (stamp.seconds, stamp.nanos) == (int(fine.timestamp()), 123_000_000)
    arriving = Timestamp(seconds=stamp.seconds, nanos=123_456_789)
    assert wire.from_timestamp(arriving) == fine.replace(microsecond=123000)
    assert wire.timestamp(None) is None
    local = datetime(2026, 3, 4, 7, 6, 7, tzinfo=timezone(timedelta(hours=2)))
    assert wire.from_timestamp(wire.timestamp(local)) == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)  # type: ignore[arg-type]


def test_optional_time_is_none_when_the_field_is_unset() -> None:
    p = posting_pb2.Posting()
    assert wire.optional_time(p, "due_date") is None
    p.due_date.CopyFrom(Timestamp(seconds=10))
    assert wire.optional_time(p, "due_date") == datetime(1970, 1, 1, 0, 0, 10, tzinfo=UTC)


def test_money_round_trips() -> None:
    money = Money(12500, "USD")
    assert wire.money_of(wire.money_message(money)) == money


def test_enums_by_prefix() -> None:
    open_ = posting_pb2.PostingStatus.POSTING_STATUS_OPEN
    assert wire.enum_name(posting_pb2.PostingStatus, open_, "POSTING_STATUS_") == "OPEN"
    assert wire.enum_number(posting_pb2.PostingStatus, "OPEN", "POSTING_STATUS_") == open_


def test_the_caller_becomes_an_actor_and_a_cause_becomes_the_event_context() -> None:
    caller = Caller("usr_1", "employer", "cmp_1", "req_1")
    assert wire.actor_of(caller) == Actor("usr_1", "employer", "cmp_1")
    cause = wire.cause_of(caller)
    assert cause == Cause(Actor("usr_1", "employer", "cmp_1"), "req_1", "")
    context = wire.event_context(cause)
    assert (context.actor.subject, context.actor.role, context.actor.org) == (
        "usr_1",
        "employer",
        "cmp_1",
    )
    assert (context.correlation_id, context.causation_id) == ("req_1", "")
    consumed = wire.cause_from(context, "evt_9")
    assert consumed == Cause(Actor("", SYSTEM), "req_1", "evt_9")
    assert consumed.actor.is_system
    assert not consumed.actor.is_admin


def test_paging_messages() -> None:
    token = encode_token("pst_3")
    request = wire.paging(PageRequestMessage(page_size=5, page_token=token))
    assert request == PageRequest(5, "pst_3")
    page = Page.of(["pst_4", "pst_5"], PageRequest(1), position=str)
    assert wire.page_response(page).next_page_token == encode_token("pst_4")


def test_an_actor_acts_for_its_own_organisation_only() -> None:
    assert Actor("u", "employer", "cmp_1").acts_for("cmp_1")
    assert not Actor("u", "employer", "cmp_1").acts_for("cmp_2")
    assert not Actor("u", "student").acts_for("")


def test_the_one_visibility_rule_a_party_or_an_admin() -> None:
    parties = {"student": "usr_s", "company": "cmp_1", "university": "uni_1"}
    assert Actor("usr_s", "student").is_party(**parties)
    assert not Actor("usr_other", "student").is_party(**parties)
    assert Actor("usr_e", "employer", "cmp_1").is_party(**parties)
    assert not Actor("usr_e", "employer", "cmp_2").is_party(**parties)
    assert Actor("usr_u", "university", "uni_1").is_party(**parties)
    assert not Actor("usr_u", "university", "uni_1").is_party(student="usr_s", company="cmp_1")
    assert Actor("usr_a", "admin").is_party()
    assert not Actor("", "system").is_party(**parties)
    assert not Actor("", "student").is_party(student="")  # no subject is nobody's
