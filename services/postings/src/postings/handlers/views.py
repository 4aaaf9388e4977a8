"""Reads (over gRPC): what the caller may see, and nothing else (`domain.access`)."""

from __future__ import annotations

from dataclasses import replace

from postings.domain import access
from postings.domain.commands import ListQuery
from postings.domain.model import Posting
from postings.domain.validation import checked_query
from postings.handlers.ports import Repository
from stint.kit.actor import Actor
from stint.kit.paging import Page


class PostingViews:
    def __init__(self, repository: Repository) -> None:
        self._repo = repository

    async def get(self, posting_id: str, actor: Actor) -> Posting:
        """GetPosting: the posting if the caller may see it, else not found."""
        loaded = await self._repo.load(posting_id)
        posting = access.require_visible(actor, loaded.posting if loaded else None, posting_id)
        return access.for_viewer(actor, posting)

    async def list_postings(self, query: ListQuery, actor: Actor) -> Page[Posting]:
        """ListPostings: one page of what the caller may see, filtered."""
        scope = access.scope_for(actor)
        page = await self._repo.page(scope, query, checked_query(query))
        return replace(page, items=[access.for_viewer(actor, p) for p in page.items])
