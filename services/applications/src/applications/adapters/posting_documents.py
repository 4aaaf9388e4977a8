"""The posting projection's documents: a PostingView to its stored fields and back."""

from __future__ import annotations

from applications.domain.posting import MilestonePlan, PostingStatus, PostingView, Visibility
from stint.kit.money import Money
from stint.kit.mongo import Document


def posting_doc(p: PostingView) -> Document:
    return {
        "_id": p.id,
        "company_id": p.company_id,
        "title": p.title,
        "status": str(p.status),
        "visibility": str(p.visibility),
        "approved_universities": sorted(p.approved_universities),
        "application_deadline": p.application_deadline,
        "due_date": p.due_date,
        "positions": p.positions,
        "fee_amount_minor": p.fee.amount_minor,
        "fee_currency": p.fee.currency,
        "acceptance_criteria": list(p.acceptance_criteria),
        "ai_policy": p.ai_policy,
        "category": p.category,
        "skills": list(p.skills),
        "estimated_hours": p.estimated_hours,
        "kill_fee_percent": p.kill_fee_percent,
        "company_name": p.company_name,
        "revision_limit": p.revision_limit,
        "milestones": [
            {"title": m.title, "due_offset_days": m.due_offset_days, "deliverable": m.deliverable}
            for m in p.milestones
        ],
        "source_version": p.source_version,
        "decision_deadline": p.decision_deadline,
        "decisions_over": p.decisions_over,
        "hired_application_ids": list(p.hired_application_ids),
    }


def posting_view(doc: Document) -> PostingView:
    return PostingView(
        id=doc["_id"],
        company_id=doc["company_id"],
        title=doc["title"],
        status=PostingStatus(doc["status"]),
        visibility=Visibility(doc["visibility"]),
        approved_universities=frozenset(doc["approved_universities"]),
        application_deadline=doc.get("application_deadline"),
        due_date=doc.get("due_date"),
        positions=doc["positions"],
        fee=Money(doc["fee_amount_minor"], doc["fee_currency"]),
        acceptance_criteria=tuple(doc["acceptance_criteria"]),
        ai_policy=doc["ai_policy"],
        category=doc["category"],
        skills=tuple(doc["skills"]),
        estimated_hours=doc["estimated_hours"],
        kill_fee_percent=doc.get("kill_fee_percent", 0),
        company_name=doc.get("company_name", ""),
        revision_limit=doc.get("revision_limit", 0),
        milestones=tuple(MilestonePlan(**m) for m in doc.get("milestones", [])),
        source_version=doc["source_version"],
        decision_deadline=doc.get("decision_deadline"),
        decisions_over=doc.get("decisions_over", False),
        hired_application_ids=tuple(doc["hired_application_ids"]),
        version=doc["version"],
    )
