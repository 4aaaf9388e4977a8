"""Sponsorships (payouts service): a university career office offers to pay part of its
students' projects from a budget, and follows and manages it; admins also run grant
programs."""

from __future__ import annotations

from gateway.routes.common import PAGING, UNIVERSITY
from gateway.routes.payouts import PAYOUTS
from gateway.routing import Answer, Body, Prepared, Query

TAG = "sponsorships"
ONE = "/v1/sponsorships/{sponsorship_id}"


def _update_mask(r: Prepared) -> None:
    # PATCH semantics: the fields present in the body are the ones to change (the body has
    # only those: a REST change retries on a conflict rather than naming a version).
    r.message.update_mask.paths.extend(r.body)


ROUTES = [
    PAYOUTS.route(
        "POST",
        "/v1/sponsorships",
        "CreateSponsorship",
        "Offer to pay a share (percent or fixed amount) of the projects it covers, from a "
        "budget reserved at hire: a career office for its own students; admins also for grant "
        "programs (e.g. each organisation's first N projects)",
        UNIVERSITY,
        body=Body(),
        tag=TAG,
        answer=Answer(status=201, field="sponsorship", location="/v1/sponsorships/{id}"),
    ),
    PAYOUTS.route(
        "GET",
        "/v1/sponsorships",
        "ListSponsorships",
        "Sponsorships, newest first, with budget reserved, spent and remaining: the caller's "
        "university's (admins: any)",
        UNIVERSITY,
        query=(
            *PAGING,
            Query("status", "status", "enum", "SPONSORSHIP_STATUS_ACTIVE, …"),
            Query("sponsor_id", "sponsor_id", "str", "admin only: one sponsor's"),
        ),
        tag=TAG,
        answer=Answer(list_field="sponsorships"),
    ),
    PAYOUTS.route(
        "GET",
        ONE,
        "GetSponsorship",
        "One sponsorship, with its budget reserved, spent and remaining",
        UNIVERSITY,
        tag=TAG,
        answer=Answer(field="sponsorship"),
    ),
    PAYOUTS.route(
        "PATCH",
        ONE,
        "UpdateSponsorship",
        "Top up (or lower, not below what is used) the budget, pause, resume or end it, rename "
        "the sponsor: the fields present are changed",
        UNIVERSITY,
        body=Body(derived=frozenset({"update_mask", "expected_version"})),
        prepare=_update_mask,
        tag=TAG,
        answer=Answer(field="sponsorship"),
    ),
]
