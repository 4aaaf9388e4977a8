"""The PayoutsService servicer: caller from metadata, wire → handler → wire."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any, TypeVar

from payouts.adapters import wire
from payouts.domain.commands import RegisterAccount, id_violations, raise_if
from payouts.handlers import Handlers
from payouts.ports import EntryQuery, PayoutQuery
from payouts.queries import Queries
from stint.common.v1.pagination_pb2 import PageRequest, PageResponse
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.grpc import current_caller
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.payouts.v1.payouts_service_pb2_grpc import PayoutsServiceServicer

DEFAULT_PAGE, MAX_PAGE = 20, 100
MAX_ACCOUNT = 200
T = TypeVar("T")


def page_of(page: PageRequest) -> tuple[int, str]:
    """(limit, last id seen) from a PageRequest; tokens are opaque base64 of the last id."""
    if page.page_size < 0:
        raise InvalidArgument.of("page.page_size", "must not be negative")
    size = min(page.page_size or DEFAULT_PAGE, MAX_PAGE)
    if not page.page_token:
        return size, ""
    try:
        after = base64.urlsafe_b64decode(page.page_token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidArgument.of("page.page_token", "is not a token from this list") from None
    if not after.startswith(("pay_", "je_")) or len(after) > 100:
        raise InvalidArgument.of("page.page_token", "is not a token from this list")
    return size, after


def next_page(items: Sequence[T], limit: int, last_id: str) -> PageResponse:
    if len(items) < limit:
        return PageResponse()
    return PageResponse(next_page_token=base64.urlsafe_b64encode(last_id.encode()).decode())


class PayoutsServicer(PayoutsServiceServicer):
    def __init__(self, handlers: Handlers, queries: Queries) -> None:
        self._h = handlers
        self._q = queries

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
        account = await self._h.register_account(current_caller(), cmd)
        return svc.RegisterPayoutAccountResponse(account=wire.account_to_pb(account))

    async def GetPayoutAccount(  # noqa: N802 (gRPC method names)
        self, request: svc.GetPayoutAccountRequest, context: Any
    ) -> svc.GetPayoutAccountResponse:
        account = await self._q.get_account(current_caller(), request.student_id)
        return svc.GetPayoutAccountResponse(account=wire.account_to_pb(account))

    async def GetPayout(  # noqa: N802 (gRPC method names)
        self, request: svc.GetPayoutRequest, context: Any
    ) -> svc.GetPayoutResponse:
        raise_if(id_violations("payout_id", request.payout_id))
        payout = await self._q.get_payout(current_caller(), request.payout_id)
        return svc.GetPayoutResponse(payout=wire.payout_to_pb(payout))

    async def ListPayouts(  # noqa: N802 (gRPC method names)
        self, request: svc.ListPayoutsRequest, context: Any
    ) -> svc.ListPayoutsResponse:
        limit, after = page_of(request.page)
        query = PayoutQuery(
            request.student_id, request.company_id, wire.status_from_pb(request.status)
        )
        items = await self._q.list_payouts(current_caller(), query, limit, after)
        return svc.ListPayoutsResponse(
            payouts=[wire.payout_to_pb(p) for p in items],
            page=next_page(items, limit, items[-1].id if items else ""),
        )

    async def GetEarningsStatement(  # noqa: N802 (gRPC method names)
        self, request: svc.GetEarningsStatementRequest, context: Any
    ) -> svc.GetEarningsStatementResponse:
        statement = await self._q.earnings(current_caller(), request.student_id, request.year)
        return svc.GetEarningsStatementResponse(statement=wire.statement_to_pb(statement))

    async def RetryPayout(  # noqa: N802 (gRPC method names)
        self, request: svc.RetryPayoutRequest, context: Any
    ) -> svc.RetryPayoutResponse:
        raise_if(id_violations("payout_id", request.payout_id))
        payout = await self._h.retry_payout(current_caller(), request.payout_id)
        return svc.RetryPayoutResponse(payout=wire.payout_to_pb(payout))

    async def CancelPayout(  # noqa: N802 (gRPC method names)
        self, request: svc.CancelPayoutRequest, context: Any
    ) -> svc.CancelPayoutResponse:
        raise_if(id_violations("payout_id", request.payout_id))
        payout = await self._h.cancel_payout(current_caller(), request.payout_id, request.reason)
        return svc.CancelPayoutResponse(payout=wire.payout_to_pb(payout))

    async def ListLedgerEntries(  # noqa: N802 (gRPC method names)
        self, request: svc.ListLedgerEntriesRequest, context: Any
    ) -> svc.ListLedgerEntriesResponse:
        limit, after = page_of(request.page)
        violations = id_violations("payout_id", request.payout_id, required=False)
        if len(request.account) > MAX_ACCOUNT:
            violations.append(
                FieldViolation("account", f"must be at most {MAX_ACCOUNT} characters")
            )
        raise_if(violations)
        query = EntryQuery(request.payout_id, request.account)
        items = await self._q.list_entries(current_caller(), query, limit, after)
        return svc.ListLedgerEntriesResponse(
            entries=[wire.entry_to_pb(e) for e in items],
            page=next_page(items, limit, items[-1].id if items else ""),
        )

    async def CheckLedger(  # noqa: N802 (gRPC method names)
        self, request: svc.CheckLedgerRequest, context: Any
    ) -> svc.CheckLedgerResponse:
        return wire.check_to_pb(await self._q.check_ledger(current_caller()))
