"""gRPC entrypoints of sponsorships (a part of PayoutsServicer, kept apart for size): decode,
call the use case as the caller, encode."""

from __future__ import annotations

from typing import Any

from payouts.adapters import sponsorship_wire as wire
from payouts.domain.commands import id_violations, raise_if
from payouts.handlers.sponsorship_ports import SponsorshipQuery
from payouts.handlers.sponsorships import Sponsorships
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, money_of, page_response, paging
from stint.payouts.v1 import payouts_service_pb2 as svc


class SponsorshipRpcs:
    _sponsorships: Sponsorships

    async def CreateSponsorship(  # noqa: N802 (gRPC method names)
        self, request: svc.CreateSponsorshipRequest, context: Any
    ) -> svc.CreateSponsorshipResponse:
        created = await self._sponsorships.create(
            cause_of(current_caller()), wire.create_from_pb(request)
        )
        return svc.CreateSponsorshipResponse(sponsorship=wire.sponsorship_to_pb(created))

    async def GetSponsorship(  # noqa: N802 (gRPC method names)
        self, request: svc.GetSponsorshipRequest, context: Any
    ) -> svc.GetSponsorshipResponse:
        raise_if(id_violations("sponsorship_id", request.sponsorship_id))
        found = await self._sponsorships.get(actor_of(current_caller()), request.sponsorship_id)
        return svc.GetSponsorshipResponse(sponsorship=wire.sponsorship_to_pb(found))

    async def ListSponsorships(  # noqa: N802 (gRPC method names)
        self, request: svc.ListSponsorshipsRequest, context: Any
    ) -> svc.ListSponsorshipsResponse:
        raise_if(id_violations("sponsor_id", request.sponsor_id, required=False))
        page = paging(request.page)
        query = SponsorshipQuery(request.sponsor_id, wire.status_from_pb(request.status))
        found = await self._sponsorships.list(actor_of(current_caller()), query, page)
        return svc.ListSponsorshipsResponse(
            sponsorships=[wire.sponsorship_to_pb(s) for s in found.items],
            page=page_response(found),
        )

    async def UpdateSponsorship(  # noqa: N802 (gRPC method names)
        self, request: svc.UpdateSponsorshipRequest, context: Any
    ) -> svc.UpdateSponsorshipResponse:
        raise_if(id_violations("sponsorship_id", request.sponsorship_id))
        updated = await self._sponsorships.update(
            cause_of(current_caller()),
            request.sponsorship_id,
            tuple(request.update_mask.paths),
            budget=money_of(request.budget) if request.HasField("budget") else None,
            status=wire.status_from_pb(request.status),
            name=request.sponsor_name,
            expected_version=request.expected_version,
        )
        return svc.UpdateSponsorshipResponse(sponsorship=wire.sponsorship_to_pb(updated))
