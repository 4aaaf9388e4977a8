"""What one consumed event changes on an engagement's fact (pure; the wire makes them).

Each change fills the identifying fields the fact lacks (a payout seen before the hire leaves
the university empty until the hire arrives) and sets only its own field, so any order of
arrival and any redelivery end in the same fact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from outcomes.domain.facts import EngagementFact, Parties, Payment, with_parties, with_payment
from stint.kit.money import Money


@dataclass(frozen=True)
class EngagementChange:
    engagement_id: str
    parties: Parties

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return with_parties(fact, self.parties)


@dataclass(frozen=True)
class Hired(EngagementChange):
    """CandidateHired: its application and terms are the authority on who and what."""

    hired_at: datetime

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return replace(with_parties(fact, self.parties, authoritative=True), hired_at=self.hired_at)


@dataclass(frozen=True)
class Completed(EngagementChange):
    completed_at: datetime

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return replace(super().apply(fact), completed_at=self.completed_at)


@dataclass(frozen=True)
class Cancelled(EngagementChange):
    cancelled_at: datetime

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return replace(super().apply(fact), cancelled_at=self.cancelled_at)


@dataclass(frozen=True)
class Rated(EngagementChange):
    """FeedbackRevealed: the employer's rating of the student (1-5)."""

    rating: int
    rated_at: datetime

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return replace(super().apply(fact), rating=self.rating, rated_at=self.rated_at)


@dataclass(frozen=True)
class Paid(EngagementChange):
    payment: Payment

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return with_payment(super().apply(fact), self.payment)


@dataclass(frozen=True)
class SponsorReleased(EngagementChange):
    """FundingReleased with a university sponsor: its share of the released work."""

    sponsor_university_id: str
    share: Money
    released_at: datetime

    def apply(self, fact: EngagementFact) -> EngagementFact:
        return replace(
            super().apply(fact),
            sponsor_university_id=self.sponsor_university_id,
            sponsor_share=self.share,
            sponsored_at=self.released_at,
        )


@dataclass(frozen=True)
class OfferMade(EngagementChange):
    """The employer made the intern an offer (a later one replaces a declined one)."""

    made_at: datetime

    def apply(self, fact: EngagementFact) -> EngagementFact:
        fact = super().apply(fact)
        if fact.offer_made_at is not None and fact.offer_made_at >= self.made_at:
            return fact  # an older offer's event, seen late
        accepted = fact.offer_accepted_at
        still_accepted = accepted is not None and accepted >= self.made_at
        return replace(
            fact, offer_made_at=self.made_at, offer_accepted_at=accepted if still_accepted else None
        )


@dataclass(frozen=True)
class OfferAccepted(EngagementChange):
    accepted_at: datetime
    made_at: datetime | None = None

    def apply(self, fact: EngagementFact) -> EngagementFact:
        made = fact.offer_made_at or self.made_at
        return replace(super().apply(fact), offer_made_at=made, offer_accepted_at=self.accepted_at)
