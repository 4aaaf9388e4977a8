"""Saved-search RPCs of the PostingsService servicer (a mixin of `grpc.PostingsServicer`)."""

# ruff: noqa: N802  (method names are the gRPC service's)

from __future__ import annotations

from typing import Any

from postings.adapters.saved_search_wire import filters_in, search_out
from postings.entrypoints.identity import caller_cause
from postings.handlers.saved_searches import SavedSearchCommands
from stint.kit import wire as kit
from stint.kit.errors import InvalidArgument
from stint.kit.paging import page_request
from stint.postings.v1 import postings_service_pb2 as svc

MAX_ID = 100


def _search_id(value: str) -> str:
    if not value or len(value) > MAX_ID:
        raise InvalidArgument.of("saved_search_id", f"must be 1 to {MAX_ID} characters")
    return value


class SavedSearchRpcs:
    _saved_searches: SavedSearchCommands

    async def CreateSavedSearch(
        self, request: svc.CreateSavedSearchRequest, context: Any
    ) -> svc.CreateSavedSearchResponse:
        cause = caller_cause()
        given = request.saved_search
        search = await self._saved_searches.create(
            filters_in(given), tuple(given.skills), cause.actor
        )
        return svc.CreateSavedSearchResponse(saved_search=search_out(search))

    async def ListSavedSearches(
        self, request: svc.ListSavedSearchesRequest, context: Any
    ) -> svc.ListSavedSearchesResponse:
        cause = caller_cause()
        paging = page_request(request.page.page_size, request.page.page_token)
        page = await self._saved_searches.list(cause.actor, paging)
        return svc.ListSavedSearchesResponse(
            saved_searches=[search_out(s) for s in page.items], page=kit.page_response(page)
        )

    async def GetSavedSearch(
        self, request: svc.GetSavedSearchRequest, context: Any
    ) -> svc.GetSavedSearchResponse:
        cause = caller_cause()
        search = await self._saved_searches.get(_search_id(request.saved_search_id), cause.actor)
        return svc.GetSavedSearchResponse(saved_search=search_out(search))

    async def DeleteSavedSearch(
        self, request: svc.DeleteSavedSearchRequest, context: Any
    ) -> svc.DeleteSavedSearchResponse:
        cause = caller_cause()
        await self._saved_searches.delete(_search_id(request.saved_search_id), cause.actor)
        return svc.DeleteSavedSearchResponse()
