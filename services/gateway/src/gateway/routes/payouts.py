"""Payouts: the intern's payout account, payouts and earnings."""

from __future__ import annotations

from gateway.routes.common import PAGING, STUDENT
from gateway.routing import Answer, Backend, Body, Query
from stint.payouts.v1 import payouts_service_pb2 as pb
from stint.payouts.v1.payouts_service_pb2_grpc import PayoutsServiceStub

TAG = "payouts"
PAYOUTS = Backend("payouts", PayoutsServiceStub, pb, TAG)
PAYOUT_READERS = frozenset({"student", "employer", "admin"})


ROUTES = [
    PAYOUTS.route(
        "PUT",
        "/v1/me/payout-account",
        "RegisterPayoutAccount",
        "Register or replace the caller's payout account",
        STUDENT,
        body=Body(),
        answer=Answer(field="account"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/me/payout-account",
        "GetPayoutAccount",
        "The caller's payout account",
        STUDENT,
        answer=Answer(field="account"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/me/payouts",
        "ListPayouts",
        "The caller's payouts",
        PAYOUT_READERS,
        query=PAGING,
        answer=Answer(list_field="payouts"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/payouts/{payout_id}",
        "GetPayout",
        "A payout",
        PAYOUT_READERS,
        answer=Answer(field="payout"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/me/earnings",
        "GetEarningsStatement",
        "The caller's earnings in a year",
        STUDENT,
        query=(
            Query(
                "year", "year", "int", "calendar year (UTC), e.g. 2026; default: the current year"
            ),
        ),
        answer=Answer(field="statement"),
    ),
]
