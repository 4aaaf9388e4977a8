"""The PayoutsService servicer: the verified caller as the domain's actor, wire → handler →
wire."""

from __future__ import annotations

from typing import Any

from payouts.adapters import funding_wire, invoice_wire, wire
from payouts.domain.commands import (
    RegisterAccount,
    SetFundingMethod,
    id_violations,
    raise_if,
)
from payouts.entrypoints.grpc_reports import ReportRpcs
from payouts.entrypoints.grpc_sponsorships import SponsorshipRpcs
from payouts.handlers import Handlers
from payouts.handlers.funding_ports import FundingQuery
from payouts.handlers.invoice_ports import InvoiceQuery
from payouts.handlers.ports import EntryQuery, PayoutQuery
from payouts.handlers.reports import OperatorReports
from stint.kit.errors import FieldViolation
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, money_of, page_response, paging
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.payouts.v1.payouts_service_pb2_grpc import PayoutsServiceServicer

MAX_ACCOUNT = 200


class PayoutsServicer(SponsorshipRpcs, ReportRpcs, PayoutsServiceServicer):
    def __init__(self, handlers: Handlers, reports: OperatorReports) -> None:
        self._sponsorships = handlers.sponsorships
        self._operator = reports  # GetMoneyTotals, ReconcileProvider (`grpc_reports.py`)
        self._payouts = handlers.payouts
        self._accounts = handlers.accounts
        self._views = handlers.views
        self._funding = handlers.funding
        self._funding_views = handlers.funding_views
        self._invoices = handlers.invoices
        self._payments = handlers.invoice_payments
        self._goodwill = handlers.goodwill

    async def RegisterPayoutAccount(  # noqa: N802 (gRPC method names)
        self, request: svc.RegisterPayoutAccountRequest, context: Any
    ) -> svc.RegisterPayoutAccountResponse:
        cmd = RegisterAccount(
            request.student_id,
            request.provider,
            request.destination_token,
            request.country,
            request.currency,
        )
        account = await self._accounts.register_account(cause_of(current_caller()), cmd)
        return svc.RegisterPayoutAccountResponse(account=wire.account_to_pb(account))

    async def GetPayoutAccount(  # noqa: N802 (gRPC method names)
        self, request: svc.GetPayoutAccountRequest, context: Any
    ) -> svc.GetPayoutAccountResponse:
        actor = actor_of(current_caller())
        account = await self._views.get_account(actor, request.student_id)
        return svc.GetPayoutAccountResponse(account=wire.account_to_pb(account))

    async def GetPayout(  # noqa: N802 (gRPC method names)
        self, request: svc.GetPayoutRequest, context: Any
    ) -> svc.GetPayoutResponse:
        raise_if(id_violations("payout_id", request.payout_id))
        payout = await self._views.get_payout(actor_of(current_caller()), request.payout_id)
        return svc.GetPayoutResponse(payout=wire.payout_to_pb(payout))

    async def ListPayouts(  # noqa: N802 (gRPC method names)
        self, request: svc.ListPayoutsRequest, context: Any
    ) -> svc.ListPayoutsResponse:
        page = paging(request.page)
        query = PayoutQuery(
            request.student_id, request.company_id, wire.status_from_pb(request.status)
        )
        found = await self._views.list_payouts(actor_of(current_caller()), query, page)
        return svc.ListPayoutsResponse(
            payouts=[wire.payout_to_pb(p) for p in found.items], page=page_response(found)
        )

    async def GetEarningsStatement(  # noqa: N802 (gRPC method names)
        self, request: svc.GetEarningsStatementRequest, context: Any
    ) -> svc.GetEarningsStatementResponse:
        actor = actor_of(current_caller())
        statement = await self._views.earnings(actor, request.student_id, request.year)
        return svc.GetEarningsStatementResponse(statement=wire.statement_to_pb(statement))

    async def RetryPayout(  # noqa: N802 (gRPC method names)
        self, request: svc.RetryPayoutRequest, context: Any
    ) -> svc.RetryPayoutResponse:
        raise_if(id_violations("payout_id", request.payout_id))
        payout = await self._payouts.retry_payout(cause_of(current_caller()), request.payout_id)
        return svc.RetryPayoutResponse(payout=wire.payout_to_pb(payout))

    async def CancelPayout(  # noqa: N802 (gRPC method names)
        self, request: svc.CancelPayoutRequest, context: Any
    ) -> svc.CancelPayoutResponse:
        raise_if(id_violations("payout_id", request.payout_id))
        cause = cause_of(current_caller())
        payout = await self._payouts.cancel_payout(cause, request.payout_id, request.reason)
        return svc.CancelPayoutResponse(payout=wire.payout_to_pb(payout))

    async def ListLedgerEntries(  # noqa: N802 (gRPC method names)
        self, request: svc.ListLedgerEntriesRequest, context: Any
    ) -> svc.ListLedgerEntriesResponse:
        page = paging(request.page)
        violations = id_violations("payout_id", request.payout_id, required=False)
        violations += id_violations("funding_id", request.funding_id, required=False)
        if len(request.account) > MAX_ACCOUNT:
            violations.append(
                FieldViolation("account", f"must be at most {MAX_ACCOUNT} characters")
            )
        raise_if(violations)
        query = EntryQuery(request.payout_id, request.account, request.funding_id)
        found = await self._views.list_entries(actor_of(current_caller()), query, page)
        return svc.ListLedgerEntriesResponse(
            entries=[wire.entry_to_pb(e) for e in found.items], page=page_response(found)
        )

    async def CheckLedger(  # noqa: N802 (gRPC method names)
        self, request: svc.CheckLedgerRequest, context: Any
    ) -> svc.CheckLedgerResponse:
        return wire.check_to_pb(await self._views.check_ledger(actor_of(current_caller())))

    async def SetFundingMethod(  # noqa: N802 (gRPC method names)
        self, request: svc.SetFundingMethodRequest, context: Any
    ) -> svc.SetFundingMethodResponse:
        raise_if(id_violations("company_id", request.company_id, required=False))
        cmd = SetFundingMethod(
            request.company_id,
            funding_wire.kind_from_pb(request.kind),
            request.provider,
            request.token,
            request.currency,
            money_of(request.credit_limit) if request.HasField("credit_limit") else None,
            request.net_days,
        )
        method = await self._funding.set_method(cause_of(current_caller()), cmd)
        return svc.SetFundingMethodResponse(method=funding_wire.method_to_pb(method))

    async def GetFundingMethod(  # noqa: N802 (gRPC method names)
        self, request: svc.GetFundingMethodRequest, context: Any
    ) -> svc.GetFundingMethodResponse:
        raise_if(id_violations("company_id", request.company_id, required=False))
        actor = actor_of(current_caller())
        method = await self._funding_views.get_method(actor, request.company_id)
        return svc.GetFundingMethodResponse(method=funding_wire.method_to_pb(method))

    async def GetFunding(  # noqa: N802 (gRPC method names)
        self, request: svc.GetFundingRequest, context: Any
    ) -> svc.GetFundingResponse:
        raise_if(id_violations("engagement_id", request.engagement_id))
        funding_id = funding_wire.funding_id_of(request.engagement_id)
        funding = await self._funding_views.get_funding(actor_of(current_caller()), funding_id)
        return svc.GetFundingResponse(funding=funding_wire.funding_to_pb(funding))

    async def ListFundings(  # noqa: N802 (gRPC method names)
        self, request: svc.ListFundingsRequest, context: Any
    ) -> svc.ListFundingsResponse:
        raise_if(id_violations("company_id", request.company_id, required=False))
        page = paging(request.page)
        query = FundingQuery(
            company_id=request.company_id, status=funding_wire.status_from_pb(request.status)
        )
        found = await self._funding_views.list_fundings(actor_of(current_caller()), query, page)
        return svc.ListFundingsResponse(
            fundings=[funding_wire.funding_to_pb(f) for f in found.items],
            page=page_response(found),
        )

    async def RetryFunding(  # noqa: N802 (gRPC method names)
        self, request: svc.RetryFundingRequest, context: Any
    ) -> svc.RetryFundingResponse:
        raise_if(id_violations("engagement_id", request.engagement_id))
        funding_id = funding_wire.funding_id_of(request.engagement_id)
        funding = await self._funding.retry(
            cause_of(current_caller()), funding_id, without_sponsor=request.without_sponsor
        )
        return svc.RetryFundingResponse(funding=funding_wire.funding_to_pb(funding))

    async def GetInvoice(  # noqa: N802 (gRPC method names)
        self, request: svc.GetInvoiceRequest, context: Any
    ) -> svc.GetInvoiceResponse:
        raise_if(id_violations("invoice_id", request.invoice_id))
        invoice = await self._invoices.get(actor_of(current_caller()), request.invoice_id)
        return svc.GetInvoiceResponse(invoice=invoice_wire.invoice_to_pb(invoice))

    async def ListInvoices(  # noqa: N802 (gRPC method names)
        self, request: svc.ListInvoicesRequest, context: Any
    ) -> svc.ListInvoicesResponse:
        raise_if(id_violations("company_id", request.company_id, required=False))
        page = paging(request.page)
        query = InvoiceQuery(request.company_id, invoice_wire.status_from_pb(request.status))
        found = await self._invoices.list(actor_of(current_caller()), query, page)
        return svc.ListInvoicesResponse(
            invoices=[invoice_wire.invoice_to_pb(i) for i in found.items],
            page=page_response(found),
        )

    async def RenderInvoicePdf(  # noqa: N802 (gRPC method names)
        self, request: svc.RenderInvoicePdfRequest, context: Any
    ) -> svc.RenderInvoicePdfResponse:
        raise_if(id_violations("invoice_id", request.invoice_id))
        pdf, name = await self._invoices.pdf(actor_of(current_caller()), request.invoice_id)
        return svc.RenderInvoicePdfResponse(pdf=pdf, filename=name)

    async def RecordInvoicePayment(  # noqa: N802 (gRPC method names)
        self, request: svc.RecordInvoicePaymentRequest, context: Any
    ) -> svc.RecordInvoicePaymentResponse:
        raise_if(id_violations("invoice_id", request.invoice_id))
        invoice = await self._payments.record(
            cause_of(current_caller()), request.invoice_id, request.reference
        )
        return svc.RecordInvoicePaymentResponse(invoice=invoice_wire.invoice_to_pb(invoice))

    async def RefundPlatformFee(  # noqa: N802 (gRPC method names)
        self, request: svc.RefundPlatformFeeRequest, context: Any
    ) -> svc.RefundPlatformFeeResponse:
        raise_if(id_violations("engagement_id", request.engagement_id))
        funding_id = funding_wire.funding_id_of(request.engagement_id)
        funding = await self._goodwill.refund(
            cause_of(current_caller()), funding_id, money_of(request.amount), request.reason
        )
        return svc.RefundPlatformFeeResponse(funding=funding_wire.funding_to_pb(funding))
