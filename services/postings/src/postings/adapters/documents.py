"""Posting <-> MongoDB document mapping, used by the repository only (no I/O here)."""

from __future__ import annotations

from typing import Any

from postings.domain.model import Posting
from postings.domain.review import Finding, Review, ReviewStatus
from postings.domain.values import (
    DEFAULT_REVISION_LIMIT,
    AiPolicy,
    Category,
    Decision,
    MilestonePlan,
    Status,
    Terms,
    UniversityTarget,
    Visibility,
)
from stint.kit.money import Money
from stint.kit.mongo import Document


def to_document(p: Posting) -> Document:
    t = p.terms
    return {
        "_id": p.id,
        "company_id": p.company_id,
        "created_by": p.created_by,
        "title": t.title,
        "summary": t.summary,
        "description": t.description,
        "category": t.category.value if t.category else None,
        "skills": list(t.skills),
        "estimated_hours": t.estimated_hours,
        "fee": {"amount_minor": t.fee.amount_minor, "currency": t.fee.currency},
        "positions": t.positions,
        "application_deadline": t.application_deadline,
        "due_date": t.due_date,
        "acceptance_criteria": list(t.acceptance_criteria),
        "ai_policy": t.ai_policy.value if t.ai_policy else None,
        "visibility": t.visibility.value if t.visibility else None,
        "kill_fee_percent": t.kill_fee_percent,
        "pay_floor_exception": t.pay_floor_exception,
        "decision_deadline": t.decision_deadline,
        "selection_over": p.selection_over,
        "revision_limit": t.revision_limit,
        "milestones": [
            {"title": m.title, "due_offset_days": m.due_offset_days, "deliverable": m.deliverable}
            for m in t.milestones
        ],
        "company_name": p.company_name,
        "review": _review_doc(p.review),
        "flagged_by": list(p.flagged_by),
        "universities": [
            {
                "university_id": u.university_id,
                "decision": u.decision.value,
                "reason": u.reason,
                "decided_at": u.decided_at,
            }
            for u in p.universities
        ],
        "status": p.status.value,
        "applications_count": p.applications_count,
        "hired_applications": list(p.hired_applications),
        "finished_engagements": list(p.finished_engagements),
        "completed_count": p.completed_count,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "published_at": p.published_at,
        "version": p.version,
    }


def from_document(d: Document) -> Posting:
    universities = tuple(
        UniversityTarget(
            u["university_id"], Decision(u["decision"]), u.get("reason", ""), u.get("decided_at")
        )
        for u in d.get("universities", [])
    )
    terms = Terms(
        title=d["title"],
        summary=d["summary"],
        description=d["description"],
        category=_opt(Category, d.get("category")),
        skills=tuple(d.get("skills", [])),
        estimated_hours=d["estimated_hours"],
        fee=Money(d["fee"]["amount_minor"], d["fee"]["currency"]),
        positions=d["positions"],
        application_deadline=d.get("application_deadline"),
        due_date=d.get("due_date"),
        acceptance_criteria=tuple(d.get("acceptance_criteria", [])),
        ai_policy=_opt(AiPolicy, d.get("ai_policy")),
        visibility=_opt(Visibility, d.get("visibility")),
        university_ids=tuple(u.university_id for u in universities),
        kill_fee_percent=d.get("kill_fee_percent", 0),
        pay_floor_exception=d.get("pay_floor_exception", ""),
        decision_deadline=d.get("decision_deadline"),
        revision_limit=d.get("revision_limit", DEFAULT_REVISION_LIMIT),
        milestones=tuple(MilestonePlan(**m) for m in d.get("milestones", [])),
    )
    return Posting(
        id=d["_id"],
        company_id=d["company_id"],
        created_by=d["created_by"],
        terms=terms,
        universities=universities,
        status=Status(d["status"]),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        published_at=d.get("published_at"),
        applications_count=d.get("applications_count", 0),
        hired_applications=tuple(d.get("hired_applications", [])),
        finished_engagements=tuple(d.get("finished_engagements", [])),
        completed_count=d.get("completed_count", 0),
        version=d["version"],
        company_name=d.get("company_name", ""),
        review=_review(d.get("review")),
        flagged_by=tuple(d.get("flagged_by", [])),
        selection_over=d.get("selection_over", False),
    )


def _review_doc(r: Review | None) -> Document | None:
    if r is None:
        return None
    return {
        "status": r.status.value,
        "findings": [{"code": f.code, "message": f.message} for f in r.findings],
        "reason": r.reason,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
        "decided_by": r.decided_by,
        "flag_count": r.flag_count,
    }


def _review(d: Document | None) -> Review | None:
    if not d:
        return None
    return Review(
        ReviewStatus(d["status"]),
        tuple(Finding(f["code"], f["message"]) for f in d.get("findings", [])),
        d.get("reason", ""),
        d.get("submitted_at"),
        d.get("decided_at"),
        d.get("decided_by", ""),
        d.get("flag_count", 0),
    )


def _opt(enum_type: Any, value: str | None) -> Any:
    return None if value is None else enum_type(value)
