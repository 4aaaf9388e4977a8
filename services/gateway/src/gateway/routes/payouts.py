"""Payouts: the intern's payout account, payouts and earnings; money in: the company's funding
method and each engagement's funding (escrow); operators' money tools (admin): retry or cancel
a payout, the journal, the ledger check."""

from __future__ import annotations

from gateway.routes.common import EMPLOYER, PAGING, STUDENT
from gateway.routing import Answer, Backend, Body, Query
from stint.payouts.v1 import payouts_service_pb2 as pb
from stint.payouts.v1.payouts_service_pb2_grpc import PayoutsServiceStub

TAG = "payouts"
PAYOUTS = Backend("payouts", PayoutsServiceStub, pb, TAG)
PAYOUT_READERS = frozenset({"student", "employer", "admin"})
ADMIN = frozenset({"admin"})
# The payers: companies, and universities for what they sponsor.
INVOICE_READERS = frozenset({"employer", "university", "admin"})


FUNDING_ROUTES = [
    PAYOUTS.route(
        "PUT",
        "/v1/me/funding-method",
        "SetFundingMethod",
        "Register or replace how the caller's company pays at hire (a provider token; admins "
        "name the company, and only admins grant invoice terms with a credit limit); hires "
        "waiting for funding are charged with it at once",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="method"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/me/funding-method",
        "GetFundingMethod",
        "The caller's company's funding method (token masked)",
        EMPLOYER,
        query=(Query("company_id", "company_id", "str", "admin only: the company"),),
        answer=Answer(field="method"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/engagements/{engagement_id}/funding",
        "GetFunding",
        "Where the money for an engagement is: awaiting funding, in escrow, released, refunded",
        PAYOUT_READERS,
        answer=Answer(field="funding"),
    ),
    PAYOUTS.route(
        "POST",
        "/v1/engagements/{engagement_id}/funding/retry",
        "RetryFunding",
        "Charge an engagement that waits for funding again, with the company's current method",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="funding"),
    ),
    PAYOUTS.route(
        "POST",
        "/v1/engagements/{engagement_id}/funding/refund",
        "RefundPlatformFee",
        "Admins: a goodwill refund to the company of (part of) the platform fee it paid on "
        "work already paid for, out of the platform's revenue; once per engagement",
        ADMIN,
        body=Body(),
        answer=Answer(field="funding"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/fundings",
        "ListFundings",
        "Fundings, newest first: the caller's company's, the caller's own (students), any (admins)",
        PAYOUT_READERS,
        query=(
            *PAGING,
            Query("status", "status", "enum", "FUNDING_STATUS_AWAITING_FUNDING, …"),
            Query("company_id", "company_id", "str", "admin only: one company's"),
        ),
        answer=Answer(list_field="fundings"),
    ),
]

INVOICE_ROUTES = [
    PAYOUTS.route(
        "GET",
        "/v1/me/invoices",
        "ListInvoices",
        "The invoices, receipts and credit notes billed to the caller's company (or sponsoring "
        "university; admins: any)",
        INVOICE_READERS,
        query=(
            *PAGING,
            Query("status", "status", "enum", "INVOICE_STATUS_PAID, …"),
            Query("company_id", "company_id", "str", "admin only: one company's"),
        ),
        answer=Answer(list_field="invoices"),
    ),
    # Before /v1/invoices/{invoice_id}, which would otherwise take "….pdf" as an id.
    PAYOUTS.route(
        "GET",
        "/v1/invoices/{invoice_id}.pdf",
        "RenderInvoicePdf",
        "An invoice, receipt or credit note as a PDF document",
        INVOICE_READERS,
        answer=Answer(field="pdf", media_type="application/pdf", filename_field="filename"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/invoices/{invoice_id}",
        "GetInvoice",
        "An invoice, receipt or credit note: number, issuer, payer, lines, status",
        INVOICE_READERS,
        answer=Answer(field="invoice"),
    ),
    PAYOUTS.route(
        "POST",
        "/v1/invoices/{invoice_id}/payment",
        "RecordInvoicePayment",
        "Admins: the payer's bank transfer for an invoice arrived (a company's on invoice "
        "terms, or a sponsor's): the invoice becomes PAID, once only",
        ADMIN,
        body=Body(),
        answer=Answer(field="invoice"),
    ),
]

ROUTES = [
    *FUNDING_ROUTES,
    *INVOICE_ROUTES,
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
        "The double-entry journal, in id order (admin)",
        ADMIN,
        query=(
            *PAGING,
            Query("payout_id", "payout_id", "str", "only this payout's entries"),
            Query("funding_id", "funding_id", "str", "only this funding's (escrow) entries"),
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
