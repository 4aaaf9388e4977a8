"""Commands and their validation (pure): every violation reported at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.money import Money

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{4,200}$")
# Company and student ids come from other contexts and the identity provider (e.g. "cmp_acme_inc",
# "auth0|5f…"), so only their shape is bounded here, not the platform's own id format.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@|-]{0,127}$")
MAX_REASON = 500


def raise_if(violations: list[FieldViolation]) -> None:
    if violations:
        summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
        raise InvalidArgument(summary, violations)


def id_violations(field: str, value: str, *, required: bool = True) -> list[FieldViolation]:
    if not value:
        return [FieldViolation(field, "is required")] if required else []
    if not _ID.fullmatch(value):
        return [FieldViolation(field, "is not a valid id")]
    return []


@dataclass(frozen=True)
class RegisterAccount:
    student_id: str
    provider: str
    destination_token: str
    country: str
    currency: str

    def validate(self, providers: set[str]) -> None:
        v: list[FieldViolation] = []
        if self.provider not in providers:
            v.append(FieldViolation("provider", f"must be one of {sorted(providers)}"))
        if not _TOKEN.fullmatch(self.destination_token):
            v.append(FieldViolation("destination_token", "must be 4-200 of [A-Za-z0-9_.:-]"))
        if not _COUNTRY.fullmatch(self.country):
            v.append(FieldViolation("country", "must be an ISO 3166-1 alpha-2 code, upper case"))
        if not _CURRENCY.fullmatch(self.currency):
            v.append(FieldViolation("currency", "must be an ISO 4217 code, upper case"))
        raise_if(v)


@dataclass(frozen=True)
class ApprovedEngagement:
    """What payouts needs from a SubmissionApproved: the engagement's parties and fee."""

    engagement_id: str
    company_id: str
    student_id: str
    title: str
    fee: Money

    def validate(self) -> None:
        v = id_violations("engagement.id", self.engagement_id)
        v += id_violations("engagement.company_id", self.company_id)
        if not self.student_id:
            v.append(FieldViolation("engagement.student_id", "is required"))
        v += money_violations("engagement.fee", self.fee)
        raise_if(v)


def money_violations(field: str, fee: Money) -> list[FieldViolation]:
    v: list[FieldViolation] = []
    if fee.amount_minor <= 0:
        v.append(FieldViolation(f"{field}.amount_minor", "must be positive"))
    if not _CURRENCY.fullmatch(fee.currency):
        v.append(FieldViolation(f"{field}.currency", "must be an ISO 4217 code"))
    return v


@dataclass(frozen=True)
class SetFundingMethod:
    company_id: str
    kind: str  # a MethodKind value, or "" when the caller sent none
    provider: str
    token: str
    currency: str
    credit_limit: Money | None = None  # invoice terms only
    net_days: int = 0  # invoice terms only; 0: the default

    def validate(self, kinds: set[str], providers: set[str]) -> None:
        """`providers`: the charge providers a card or bank debit may name."""
        v = id_violations("company_id", self.company_id)
        if self.kind not in kinds:
            v.append(FieldViolation("kind", f"must be one of {sorted(kinds)}"))
        if self.kind == "INVOICE":
            v += self._terms_violations()
        elif self.provider not in providers:
            v.append(FieldViolation("provider", f"must be one of {sorted(providers)}"))
        elif self.credit_limit is not None or self.net_days:
            v.append(FieldViolation("credit_limit", "only for invoice terms"))
        if not _TOKEN.fullmatch(self.token):
            v.append(FieldViolation("token", "must be 4-200 of [A-Za-z0-9_.:-]"))
        if not _CURRENCY.fullmatch(self.currency):
            v.append(FieldViolation("currency", "must be an ISO 4217 code, upper case"))
        raise_if(v)

    def _terms_violations(self) -> list[FieldViolation]:
        limit = self.credit_limit
        if limit is None:
            return [FieldViolation("credit_limit", "is required for invoice terms")]
        v = money_violations("credit_limit", limit)
        if limit.currency != self.currency:
            v.append(FieldViolation("credit_limit.currency", "must be the method's currency"))
        if not 0 <= self.net_days <= 90:
            v.append(FieldViolation("net_days", "must be 1 to 90 (0: the default, 30)"))
        return v


def validate_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidArgument.of("reason", "is required")
    if len(reason) > MAX_REASON:
        raise InvalidArgument.of("reason", f"must be at most {MAX_REASON} characters")


def validate_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidArgument.of("year", "must be between 2000 and 2100")
