"""Facts for the report tests: one university's scenario, dated in days from T0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from outcomes.domain.facts import Applied, Approval, EngagementFact, Payment
from stint.kit.money import Money

T0 = datetime(2026, 1, 1, tzinfo=UTC)
UNI = "uni_1"


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def approval(
    posting: str, company: str = "co_a", category: str = "DESIGN", at: float = 0
) -> Approval:
    return Approval(UNI, posting, company, "", category, day(at), 1)


def applied(
    student: str,
    posting: str = "pst_1",
    company: str = "co_a",
    at: float = 1,
    category: str = "DESIGN",
) -> Applied:
    return Applied(
        f"app_{student}_{posting}", UNI, student, posting, company, day(at), category=category
    )


def hire(
    student: str,
    company: str = "co_a",
    at: float = 2,
    category: str = "DESIGN",
    *,
    paid: int = 0,
    paid_at: float = 10,
    currency: str = "USD",
    rating: int = 0,
    n: int = 0,
    university: str = UNI,
    company_name: str = "",
    **more: object,
) -> EngagementFact:
    payments = (Payment(f"pay_{student}_{n}", Money(paid, currency), day(paid_at)),) if paid else ()
    rated_at = day(11) if rating else None
    return EngagementFact(
        f"eng_{student}_{company}_{n}",
        university,
        student,
        company,
        company_name,
        "pst_1",
        category,
        hired_at=day(at),
        rating=rating,
        rated_at=rated_at,
        payments=payments,
        **more,  # type: ignore[arg-type]
    )
