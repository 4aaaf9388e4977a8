"""Operators' money reports (admin), on the payouts backend: money totals per period and the
reconciliation of the payment provider's records with the ledger."""

from __future__ import annotations

from gateway.routes.payouts import ADMIN, PAYOUTS
from gateway.routing import Query

_RANGE = (
    Query("from", "from_time", "timestamp", "start, inclusive (RFC 3339)", required=True),
    Query("to", "to_time", "timestamp", "end, exclusive (RFC 3339), after `from`", required=True),
)

ROUTES = [
    PAYOUTS.route(
        "GET",
        "/v1/ledger/totals",
        "GetMoneyTotals",
        "Money per period and currency from the journal (escrow charged, released, refunded, "
        "platform revenue, paid out, returned, invoice payments) and the balances held at `to` "
        "(admin; at most 366 days)",
        ADMIN,
        query=(
            *_RANGE,
            Query("granularity", "granularity", "enum", "TOTALS_GRANULARITY_MONTH (default), …"),
            Query("currency", "currency", "str", "only this currency (ISO 4217)"),
        ),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/ledger/reconciliation",
        "ReconcileProvider",
        "The payment provider's records made in [from, to) against the ledger: findings and "
        "counts (admin; at most 31 days)",
        ADMIN,
        query=(*_RANGE, Query("provider", "provider", "str", "default: sandbox")),
    ),
]
