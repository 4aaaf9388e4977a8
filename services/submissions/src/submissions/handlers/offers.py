"""Use cases of offers: the employer makes one after a completed engagement (or withdraws it),
the intern accepts or declines it; reads by id, by engagement, and lists (the rules:
domain/offer.py and domain/offer_rules.py)."""

from __future__ import annotations

from stint.kit.actor import Actor, Cause
from stint.kit.clock import Clock
from stint.kit.paging import Page
from submissions import metrics
from submissions.domain import access, offer_rules, validation
from submissions.domain import commands as cmd
from submissions.domain import offer as of
from submissions.domain.offer import Offer, Terms
from submissions.domain.validation import Violations
from submissions.handlers.ports import EngagementStore, OfferStore
from submissions.handlers.views import visible


class OfferHandlers:
    def __init__(self, engagements: EngagementStore, offers: OfferStore, clock: Clock) -> None:
        self._engagements = engagements
        self._offers = offers
        self._clock = clock

    async def make(self, c: cmd.MakeOffer, cause: Cause) -> Offer:
        """MakeOffer by the company's employers on a COMPLETED engagement; emits OfferMade.
        ALREADY_EXISTS while the engagement's offer is open or accepted; a declined or
        withdrawn one is replaced (same id)."""
        v = Violations()
        offer_rules.terms(v, c)
        e = await visible(self._engagements, v, c.engagement_id, cause.actor)
        offer_rules.check_employer(e.company_id, cause.actor)
        v.raise_if_any()
        assert c.kind is not None  # validated
        terms = Terms(c.kind, c.role_title.strip(), c.details.strip(), c.start_date, c.compensation)
        now, by = self._clock.now(), cause.actor.subject
        existing = await self._offers.get(of.offer_id(e.id))
        if existing is not None:
            await self._offers.save(existing, existing.remake(terms, by, now), cause)
            offer = existing
        else:
            offer, events = of.make(e, terms, by, now)
            await self._offers.add(offer, events, cause)
        metrics.OFFERS_MADE.labels(c.kind.value.lower()).inc()
        return offer

    async def accept(self, offer_id: str, cause: Cause) -> Offer:
        """AcceptOffer by the intern while OPEN; emits OfferAccepted."""
        o = await self._interns(offer_id, cause.actor, Violations())
        await self._offers.save(o, o.accept(self._clock.now()), cause)
        metrics.OFFERS_ANSWERED.labels("accepted").inc()
        return o

    async def decline(self, offer_id: str, reason: str, cause: Cause) -> Offer:
        """DeclineOffer by the intern while OPEN, optionally saying why; emits OfferDeclined."""
        v = Violations()
        offer_rules.decline_reason(v, reason)
        o = await self._interns(offer_id, cause.actor, v)
        await self._offers.save(o, o.decline(reason.strip(), self._clock.now()), cause)
        metrics.OFFERS_ANSWERED.labels("declined").inc()
        return o

    async def withdraw(self, offer_id: str, cause: Cause) -> Offer:
        """WithdrawOffer by the company's employers while OPEN; emits OfferWithdrawn."""
        o = await self._visible(Violations(), offer_id, cause.actor)
        offer_rules.check_employer(o.company_id, cause.actor)
        await self._offers.save(o, o.withdraw(self._clock.now()), cause)
        metrics.OFFERS_WITHDRAWN.inc()
        return o

    async def get(self, offer_id: str, engagement_id: str, actor: Actor) -> Offer:
        """Query: one offer by its id or its engagement's (NotFound when there is none, or
        the caller may not see it)."""
        v = Violations()
        if not offer_id and engagement_id:
            validation.engagement_id(v, engagement_id)
            v.raise_if_any()
            offer_id = of.offer_id(engagement_id)
        elif not offer_id:
            v.add("offer_id", "required: the offer id or its engagement's id")
        return await self._visible(v, offer_id, actor)

    async def list(self, q: cmd.OfferQuery, actor: Actor) -> Page[Offer]:
        """Query: the caller's offers (admins: any), newest first, one page and the next."""
        scope = access.list_scope(actor)
        filters = dict(scope)
        wanted = (
            ("company_id", q.company_id),
            ("student_id", q.student_id),
            ("university_id", q.university_id),
        )
        for key, value in wanted:
            if value and scope.get(key, value) != value:
                return Page([])  # another tenant's offers: nothing to see
            if value:
                filters[key] = value
        rows = await self._offers.list(filters, q.statuses, q.page)
        return Page.of(rows, q.page, lambda o: o.id)

    async def _visible(self, v: Violations, offer_id: str, actor: Actor) -> Offer:
        access.require_identity(actor)
        offer_rules.offer_id(v, offer_id)
        if any(item.field == "offer_id" for item in v.items):
            v.raise_if_any()
        found = await self._offers.get(offer_id)
        return offer_rules.check_visible(found, offer_id, actor)

    async def _interns(self, offer_id: str, actor: Actor, v: Violations) -> Offer:
        o = await self._visible(v, offer_id, actor)
        offer_rules.check_intern(o, actor)
        v.raise_if_any()
        return o
