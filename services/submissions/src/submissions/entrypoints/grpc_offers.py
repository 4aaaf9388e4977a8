"""The offer RPCs of SubmissionsService, mixed into `SubmissionsServicer` (grpc.py)."""

# ruff: noqa: N802  (method names are the RPC names grpcio-tools generates)

from __future__ import annotations

from typing import Any

from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, page_response
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters import offer_wire
from submissions.handlers import OfferHandlers


class OfferRpcs:
    _offers: OfferHandlers

    async def MakeOffer(self, request: api.MakeOfferRequest, context: Any) -> api.MakeOfferResponse:
        o = await self._offers.make(offer_wire.make_offer(request), cause_of(current_caller()))
        return api.MakeOfferResponse(offer=offer_wire.offer(o))

    async def GetOffer(self, request: api.GetOfferRequest, context: Any) -> api.GetOfferResponse:
        actor = actor_of(current_caller())
        o = await self._offers.get(request.offer_id, request.engagement_id, actor)
        return api.GetOfferResponse(offer=offer_wire.offer(o))

    async def ListOffers(
        self, request: api.ListOffersRequest, context: Any
    ) -> api.ListOffersResponse:
        query = offer_wire.offer_query(request)
        page = await self._offers.list(query, actor_of(current_caller()))
        return api.ListOffersResponse(
            offers=[offer_wire.offer(o) for o in page.items], page=page_response(page)
        )

    async def AcceptOffer(
        self, request: api.AcceptOfferRequest, context: Any
    ) -> api.AcceptOfferResponse:
        o = await self._offers.accept(request.offer_id, cause_of(current_caller()))
        return api.AcceptOfferResponse(offer=offer_wire.offer(o))

    async def DeclineOffer(
        self, request: api.DeclineOfferRequest, context: Any
    ) -> api.DeclineOfferResponse:
        cause = cause_of(current_caller())
        o = await self._offers.decline(request.offer_id, request.reason, cause)
        return api.DeclineOfferResponse(offer=offer_wire.offer(o))

    async def WithdrawOffer(
        self, request: api.WithdrawOfferRequest, context: Any
    ) -> api.WithdrawOfferResponse:
        o = await self._offers.withdraw(request.offer_id, cause_of(current_caller()))
        return api.WithdrawOfferResponse(offer=offer_wire.offer(o))
