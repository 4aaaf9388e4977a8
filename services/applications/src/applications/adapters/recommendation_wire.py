"""Recommendations on the wire (protobuf meets the domain only in adapters)."""

from __future__ import annotations

from applications.domain.recommendation import Recommendation
from stint.applications.v1 import recommendation_pb2 as pb
from stint.common.v1 import work_pb2
from stint.kit.wire import money_message, timestamp


def recommendation_message(r: Recommendation) -> pb.Recommendation:
    p = r.posting
    return pb.Recommendation(
        posting_id=p.id,
        title=p.title,
        company_id=p.company_id,
        company_name=p.company_name,
        category=work_pb2.Category.ValueType(p.category),  # the shared enum's number
        skills=list(p.skills),
        fee=money_message(p.fee),
        application_deadline=timestamp(p.application_deadline),
        score=r.score,
        matched_skills=list(r.matched_skills),
        reasons=[
            pb.RecommendationReason(
                source=pb.RecommendationSource.Value(f"RECOMMENDATION_SOURCE_{reason.source}"),
                matches=list(reason.matches),
                text=reason.text,
            )
            for reason in r.reasons
        ],
    )
