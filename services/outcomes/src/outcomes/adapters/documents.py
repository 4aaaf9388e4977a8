"""Facts ⇄ MongoDB documents (flat fields; money as {amount_minor, currency})."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any

from outcomes.domain.facts import Applied, Approval, EngagementFact, Payment, PostingInfo
from stint.kit.money import Money
from stint.kit.mongo import Document

Fact = PostingInfo | Approval | Applied | EngagementFact


def _money(m: Money | None) -> dict[str, Any] | None:
    return None if m is None else {"amount_minor": m.amount_minor, "currency": m.currency}


def _money_of(d: Mapping[str, Any] | None) -> Money | None:
    return None if d is None else Money(int(d["amount_minor"]), str(d["currency"]))


def to_document(fact: Fact) -> Document:
    doc: Document = {}
    for f in fields(fact):
        value = getattr(fact, f.name)
        if isinstance(value, Money):
            value = _money(value)
        elif f.name == "payments":
            value = [
                {"payout_id": p.payout_id, "amount": _money(p.amount), "paid_at": p.paid_at}
                for p in value
            ]
        doc[f.name] = value
    return doc


def _known(cls: type[Any], doc: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in doc.items() if k in names}


def posting_info(doc: Mapping[str, Any]) -> PostingInfo:
    return PostingInfo(**_known(PostingInfo, doc))


def approval(doc: Mapping[str, Any]) -> Approval:
    return Approval(**_known(Approval, doc))


def applied(doc: Mapping[str, Any]) -> Applied:
    return Applied(**_known(Applied, doc))


def engagement(doc: Mapping[str, Any]) -> EngagementFact:
    values = _known(EngagementFact, doc)
    values["sponsor_share"] = _money_of(values.get("sponsor_share"))
    values["payments"] = tuple(
        Payment(str(p["payout_id"]), _money_of(p["amount"]) or Money(0, ""), _time(p["paid_at"]))
        for p in values.get("payments") or ()
    )
    return EngagementFact(**values)


def _time(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"not a time: {value!r}")
    return value
