"""What schemathesis cannot read from the OpenAPI document, supplied as a real client knows it.

Loaded by `test_schemathesis_all_checks.py` (SCHEMATHESIS_HOOKS). Each mend is a rule that no
JSON Schema can state, documented on its operation; the rules themselves have their own tests:

- an `Idempotency-Key` names one request: a key sent again with another body is refused
  (`IDEMPOTENCY_KEY_REUSED`), so every call gets a fresh key, as a client makes one per request;
- a `page_token` is opaque and server-issued: any other value is a 422, so none is sent;
- `fee_min`/`fee_max` compare amounts in one currency: they come with `currency`;
- an admin creates a posting for a company it names (`?company_id`, which others may not send);
- a payout account or funding method names a provider the deployment has configured
  (`sandbox` here);
- an admin reads or sets a company's funding method for a company it names (`company_id`;
  employers always act for their own), and lists the conversations of a company or a student
  it names (`company_id` or `student_id`; students and employers list their own);
- a funding method's credit limit and payment days go with invoice terms only, and an admin's
  invoice terms come with a positive credit limit in the method's currency;
- a sponsorship shares by exactly one of a percent (1-100) and an amount, from a positive
  budget, in one currency, under a sponsor name that is not blank (an admin names the sponsor);
  a change names a status it can move to;
- query bounds (`hours_min` <= `hours_max`, `fee_min` <= `fee_max`) are ordered;
- a money report's range (`from` < `to`, at most 366 days for totals and 31 for the
  reconciliation) is ordered and bounded, and names a provider configured (`sandbox`);
- a webhook URL must reach a public address (judged on the host, as the client will read it),
  so a URL the schema allows becomes one that does;
- a posting's domain rules (design.md §4, the second layer): its deadlines lie in the future
  (relative to now), the fee is in an accepted currency and at least the pay floor for its
  hours (settings), university ids go with university visibility, and a title, skill or
  criterion has something left once trimmed. Only values the schema allows are mended, so a
  request schemathesis made invalid on purpose stays invalid.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis

_YEAR = re.compile(r"^(19[7-9][0-9]|20[0-9]{2})-")  # the gateway's TIME_PATTERN
_POSTING_BODIES = {("POST", "/v1/postings"), ("PATCH", "/v1/postings/{posting_id}")}
_FLOOR_MINOR_PER_HOUR = 2000  # postings' default hourly_pay_floor_minor (USD)
_WEBHOOK_BODIES = {
    ("POST", "/v1/webhooks/endpoints"),
    ("PATCH", "/v1/webhooks/endpoints/{endpoint_id}"),
}
_PUBLIC_URL = "https://ats.example.com/hooks/stint"
_SPONSORSHIP_BODIES = {
    ("POST", "/v1/sponsorships"),
    ("PATCH", "/v1/sponsorships/{sponsorship_id}"),
}
_REPORT_DAYS = {
    ("GET", "/v1/ledger/totals"): 366,
    ("GET", "/v1/ledger/reconciliation"): 31,
    # outcomes' STINT_OUTCOMES_MAX_RANGE_DAYS
    ("GET", "/v1/universities/{university_id}/outcomes"): 3660,
    ("GET", "/v1/universities/{university_id}/outcomes.csv"): 3660,
}


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    operation = (case.method.upper(), case.operation.path)
    if case.query is None and operation in (
        ("POST", "/v1/postings"),
        ("GET", "/v1/me/funding-method"),
        ("GET", "/v1/conversations"),
    ):
        case.query = {}
    if isinstance(case.query, dict):
        case.query.pop("page_token", None)
        if ("fee_min" in case.query or "fee_max" in case.query) and not case.query.get("currency"):
            case.query["currency"] = "USD"
        for low, high in (("hours_min", "hours_max"), ("fee_min", "fee_max")):
            bounds: list[Any] = [case.query.get(low), case.query.get(high)]
            if all(_integral(b) for b in bounds) and bounds[0] > bounds[1]:
                case.query[low], case.query[high] = bounds[1], bounds[0]
        if operation in _REPORT_DAYS:
            _mend_range(case.query, _REPORT_DAYS[operation])
        if operation == ("GET", "/v1/me/funding-method") and _admin():
            case.query["company_id"] = case.query.get("company_id") or "cmp_schemathesis"
        named = case.query.get("company_id") or case.query.get("student_id")
        if operation == ("GET", "/v1/conversations") and _admin() and not named:
            case.query["company_id"] = "cmp_schemathesis"
        if operation == ("POST", "/v1/postings"):
            if os.environ.get("STINT_SCHEMATHESIS_ROLE") == "admin":
                case.query["company_id"] = case.query.get("company_id") or "cmp_schemathesis"
            else:
                case.query.pop("company_id", None)
    if not isinstance(case.body, dict):
        return
    if operation in _POSTING_BODIES:
        _mend_posting(case.body, partial=operation[0] == "PATCH")
    if operation in _WEBHOOK_BODIES and isinstance(case.body.get("url"), str):
        case.body["url"] = _PUBLIC_URL
    if operation == ("PUT", "/v1/me/payout-account") and isinstance(case.body.get("provider"), str):
        case.body["provider"] = "sandbox"  # the providers configured (payouts' settings)
    if operation == ("PUT", "/v1/me/funding-method"):
        if isinstance(case.body.get("provider"), str):
            case.body["provider"] = "sandbox"
        if _admin():
            case.body["company_id"] = case.body.get("company_id") or "cmp_schemathesis"
        _mend_terms(case.body)
    if operation in _SPONSORSHIP_BODIES:
        _mend_sponsorship(case.body, partial=operation[0] == "PATCH")
    if operation == ("PUT", "/v1/me/profile"):
        _mend_profile(case.body)
    if operation == ("POST", "/v1/me/saved-searches"):
        _mend_saved_search(case.body)
    if operation == ("POST", "/v1/engagements/{engagement_id}/extensions"):
        if _time(case.body.get("new_due_date")) is not None:  # later than now and the due date
            case.body["new_due_date"] = (datetime.now(UTC) + timedelta(days=20)).isoformat()
        _non_blank(case.body, "reason", "The survey tool was down.")
    if operation == ("POST", "/v1/conversations/{conversation_id}/messages"):
        _non_blank(case.body, "text", "Could you look at question 4?")


def _non_blank(body: dict[str, Any], field: str, text: str) -> None:
    if isinstance(body.get(field), str) and not body[field].strip():
        body[field] = text


def _mend_milestones(body: dict[str, Any]) -> None:
    """Each check-in due inside the mended posting's work window (due date - deadline)."""
    milestones = body.get("milestones")
    if not isinstance(milestones, list):
        return
    for m in milestones:
        if isinstance(m, dict):
            _non_blank(m, "title", "Outline")
            days = m.get("due_offset_days")
            if isinstance(days, int | float) and not isinstance(days, bool):
                m["due_offset_days"] = min(max(int(days), 1), 13)


def _mend_saved_search(body: dict[str, Any]) -> None:
    """A saved search alerts by a skill or a category, so it needs one of them."""
    _non_blank(body, "name", "Survey work")
    skills = body.get("skills")
    if isinstance(skills, list):
        body["skills"] = [s for s in skills if isinstance(s, str) and re.search("[A-Za-z0-9]", s)]
    category = body.get("category")
    if not body.get("skills") and category in (None, "CATEGORY_UNSPECIFIED"):
        body["skills"] = ["excel"]
    fee = body.get("fee_min")
    if isinstance(fee, dict):  # postings' maximum fee bounds it (STINT_MAX_FEE_MINOR)
        amount = _positive_usd(fee)["amount_minor"]
        body["fee_min"] = {"amount_minor": min(amount, 1_000_000), "currency": "USD"}


def _mend_profile(body: dict[str, Any]) -> None:
    """What the profile's rules say beyond the schema: a name with a letter in it, one line of
    text, skills that leave a slug, a graduation year in the window around this year."""
    name = body.get("name")
    if isinstance(name, str) and (not name.strip() or not name.isprintable()):
        body["name"] = "Ada Lovelace"
    for field in ("school_name", "programme"):
        if isinstance(body.get(field), str) and not body[field].isprintable():
            body[field] = "BSc Economics"
    skills = body.get("skills")
    if isinstance(skills, list):
        body["skills"] = [s for s in skills if isinstance(s, str) and re.search("[A-Za-z0-9]", s)]
    year, this_year = body.get("graduation_year"), datetime.now(UTC).year
    if _integral(year) and year and not this_year - 60 <= year <= this_year + 10:
        body["graduation_year"] = this_year + 1


def _mend_range(query: dict[str, Any], days: int) -> None:
    """Order and bound `from`/`to` when both are times the schema allows (else schemathesis
    meant the request invalid)."""
    if isinstance(query.get("provider"), str):
        query["provider"] = "sandbox"
    raw = [query.get("from"), query.get("to")]
    if not all(isinstance(t, str) and _YEAR.match(t) for t in raw):
        return
    # A time the schema allows that Python cannot read (nanoseconds): any time of the range.
    start, end = (_time(t) or datetime(2026, 3, 1, tzinfo=UTC) for t in raw)
    start, end = sorted(t if t.tzinfo else t.replace(tzinfo=UTC) for t in (start, end))
    start = min(start, datetime(2099, 12, 1, tzinfo=UTC))
    if not timedelta(0) < end - start <= timedelta(days=days):
        end = start + timedelta(days=1)
    query["from"], query["to"] = start.isoformat(), end.isoformat()


def _mend_terms(body: dict[str, Any]) -> None:
    """Credit limit and net days only with invoice terms; an admin's terms have a limit."""
    if body.get("kind") != "FUNDING_METHOD_KIND_INVOICE":
        body.pop("credit_limit", None)
        body.pop("net_days", None)
        return
    currency = body.get("currency")
    if _admin() and isinstance(currency, str):
        limit = body.get("credit_limit")
        amount = limit.get("amount_minor") if isinstance(limit, dict) else None
        positive = amount if isinstance(amount, int) and amount > 0 else 100_000
        body["credit_limit"] = {"amount_minor": positive, "currency": currency}


def _positive_usd(money: Any) -> dict[str, Any]:
    amount = money.get("amount_minor") if isinstance(money, dict) else None
    return {"amount_minor": amount if isinstance(amount, int) and amount > 0 else 100_000,
            "currency": "USD"}  # fmt: skip


def _mend_sponsorship(body: dict[str, Any], *, partial: bool) -> None:
    name = body.get("sponsor_name")
    if isinstance(name, str) and not name.strip():
        body["sponsor_name"] = "Career Center"
    if "budget" in body:
        body["budget"] = _positive_usd(body["budget"])
    if partial:
        if body.get("status") == "SPONSORSHIP_STATUS_UNSPECIFIED":
            body["status"] = "SPONSORSHIP_STATUS_PAUSED"
        return
    if not body.get("sponsor_name"):
        body["sponsor_name"] = "Career Center"
    if "share_amount" in body and not body.get("share_percent"):
        body["share_amount"] = _positive_usd(body["share_amount"])
    else:
        body.pop("share_amount", None)
        if not body.get("share_percent"):
            body["share_percent"] = 50
    if _admin():
        body["sponsor_id"] = body.get("sponsor_id") or "uni_schemathesis"


def _integral(value: Any) -> bool:
    """An integer as JSON Schema counts one: 113.0 is one too, and schemathesis sends such."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _admin() -> bool:
    return os.environ.get("STINT_SCHEMATHESIS_ROLE") == "admin"


def _mend_posting(body: dict[str, Any], *, partial: bool) -> None:
    now = datetime.now(UTC)
    if _time(body.get("application_deadline")) is not None:
        body["application_deadline"] = (now + timedelta(days=7)).isoformat()
    if _time(body.get("due_date")) is not None:
        body["due_date"] = (now + timedelta(days=21)).isoformat()
    if _time(body.get("decision_deadline")) is not None:  # after the deadline, before the due
        body["decision_deadline"] = (now + timedelta(days=10)).isoformat()
    _mend_milestones(body)
    if partial and ("application_deadline" in body) != ("due_date" in body):
        body.pop("application_deadline", None)  # one date alone may cross the stored other
        body.pop("due_date", None)
    title = body.get("title")
    if isinstance(title, str) and len(title.strip()) < 3:
        body["title"] = "Market sizing memo"
    skills, criteria = body.get("skills"), body.get("acceptance_criteria")
    if isinstance(skills, list):  # a skill is its slug: letters or digits must be left
        body["skills"] = [s for s in skills if isinstance(s, str) and re.search("[A-Za-z0-9]", s)]
    if isinstance(criteria, list):
        body["acceptance_criteria"] = [c for c in criteria if isinstance(c, str) and c.strip()]
    if partial and ("visibility" in body) != ("university_ids" in body):
        body.pop("visibility", None)  # the two change together
        body.pop("university_ids", None)
    visibility = body.get("visibility")
    if visibility == "VISIBILITY_PUBLIC":
        body["university_ids"] = []
    elif visibility == "VISIBILITY_UNIVERSITIES" and not body.get("university_ids"):
        body["university_ids"] = ["uni_state"]
    fee, hours = body.get("fee"), body.get("estimated_hours")
    if isinstance(fee, dict) and isinstance(fee.get("currency"), str):
        fee["currency"] = "USD"
        hours = hours if isinstance(hours, int) and 10 <= hours <= 40 else 40
        body["estimated_hours"] = hours
        fee["amount_minor"] = hours * _FLOOR_MINOR_PER_HOUR
    elif partial:
        body.pop("estimated_hours", None)  # the stored fee may be below the new hours' floor


def _time(value: Any) -> datetime | None:
    """The timestamp, if `value` is one the schema allows (else schemathesis meant it invalid)."""
    if not isinstance(value, str) or not _YEAR.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
