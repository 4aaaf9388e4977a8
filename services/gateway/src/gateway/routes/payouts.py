"""Payouts: the intern's payout account, payouts and earnings; operators' money tools (admin):
retry or cancel a payout, the journal, the ledger check."""

from __future__ import annotations

from gateway.routes.common import PAGING, STUDENT
from gateway.routing import Answer, Backend, Body, Query
from stint.payouts.v1 import payouts_service_pb2 as pb
from stint.payouts.v1.payouts_service_pb2_grpc import PayoutsServiceStub

TAG = "payouts"
PAYOUTS = Backend("payouts", PayoutsServiceStub, pb, TAG)
PAYOUT_READERS = frozenset({"student", "employer", "admin"})
ADMIN = frozenset({"admin"})


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
    PAYOUTS.route(
        "POST",
        "/v1/payouts/{payout_id}/retry",
        "RetryPayout",
        "Send a failed payout again now (admin)",
        ADMIN,
        body=Body(),
        answer=Answer(field="payout"),
    ),
    PAYOUTS.route(
        "POST",
        "/v1/payouts/{payout_id}/cancel",
        "CancelPayout",
        "Cancel a payout that was not sent, with a reason (admin)",
        ADMIN,
        body=Body(),
        answer=Answer(field="payout"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/ledger/entries",
        "ListLedgerEntries",
        "The double-entry journal, newest first (admin)",
        ADMIN,
        query=(
            *PAGING,
            Query("payout_id", "payout_id", "str", "only this payout's entries"),
            Query("account", "account", "str", "only entries touching this account"),
        ),
        answer=Answer(list_field="entries"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/ledger/check",
        "CheckLedger",
        "Verify the whole ledger: balanced entries, no negative payable, entries per payout "
        "(admin)",
        ADMIN,
    ),
]
