"""Saved searches and their alert event on the wire (protobuf meets the domain only here)."""

from __future__ import annotations

from collections.abc import Sequence

from postings.adapters.wire import enum_in, enum_out, money_in, posting_out
from postings.domain.model import Posting
from postings.domain.saved_search import SavedSearch, SearchFilters
from postings.domain.skills import normalize_skills
from postings.domain.values import Category
from stint.kit import wire as kit
from stint.kit.actor import Cause
from stint.kit.errors import InvalidArgument
from stint.postings.v1 import saved_search_pb2 as pb


def filters_in(p: pb.SavedSearchInput) -> SearchFilters:
    category = enum_in(Category, p.category)
    if p.category and category is None:
        raise InvalidArgument.of("saved_search.category", "unknown value")
    return SearchFilters(
        name=p.name.strip(),
        words=tuple(p.query.split()),
        skills=normalize_skills(tuple(p.skills)),
        category=category,
        fee_min=money_in(p.fee_min) if p.HasField("fee_min") else None,
    )


def search_out(s: SavedSearch) -> pb.SavedSearch:
    f = s.filters
    fee = kit.money_message(f.fee_min) if f.fee_min else None
    return pb.SavedSearch(
        id=s.id,
        student_id=s.student_id,
        university_id=s.university_id,
        name=f.name,
        query=" ".join(f.words),
        skills=list(f.skills),
        category=enum_out(f.category),
        fee_min=fee,
        created_at=kit.timestamp(s.created_at),
        version=s.version,
    )


def matched_out(
    s: SavedSearch, posting: Posting, skills: Sequence[str], cause: Cause
) -> pb.SavedSearchMatched:
    return pb.SavedSearchMatched(
        context=kit.event_context(cause),
        saved_search_id=s.id,
        student_id=s.student_id,
        posting=posting_out(posting),
        matched_skills=list(skills),
    )
