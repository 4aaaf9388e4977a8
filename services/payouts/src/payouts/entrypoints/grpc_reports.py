"""The operators' money reports of PayoutsService (admin): GetMoneyTotals, ReconcileProvider.
Mixed into `PayoutsServicer`, which sets `_operator`."""

from __future__ import annotations

from typing import Any

from payouts.adapters import report_wire
from payouts.handlers.reports import OperatorReports, TotalsQuery
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, optional_time
from stint.payouts.v1 import payouts_service_pb2 as svc


class ReportRpcs:
    _operator: OperatorReports

    async def GetMoneyTotals(  # noqa: N802 (gRPC method names)
        self, request: svc.GetMoneyTotalsRequest, context: Any
    ) -> svc.GetMoneyTotalsResponse:
        query = TotalsQuery(
            optional_time(request, "from_time"),
            optional_time(request, "to_time"),
            report_wire.granularity_from_pb(request.granularity),
            request.currency,
        )
        report = await self._operator.totals.money_totals(actor_of(current_caller()), query)
        return report_wire.totals_to_pb(report)

    async def ReconcileProvider(  # noqa: N802 (gRPC method names)
        self, request: svc.ReconcileProviderRequest, context: Any
    ) -> svc.ReconcileProviderResponse:
        found = await self._operator.reconciler.reconcile(
            actor_of(current_caller()),
            optional_time(request, "from_time"),
            optional_time(request, "to_time"),
            request.provider,
        )
        return report_wire.reconciliation_to_pb(found)
