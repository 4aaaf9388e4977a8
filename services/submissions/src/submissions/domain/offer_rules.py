"""Who may do what to an offer, and the input rules of a new one.

Visibility is the engagement's: its student, the company's staff, the student's university
and admins; anyone else gets NotFound, so an offer's existence does not leak. Acting is
narrower: the company's employers make and withdraw it, only the intern answers it
(PermissionDenied for a viewer who may not act).
"""

from __future__ import annotations

import re

from stint.kit.actor import EMPLOYER, STUDENT, Actor
from stint.kit.ids import is_id
from stint.kit.money import amount_problem
from submissions.domain import commands as cmd
from submissions.domain.access import require_identity
from submissions.domain.errors import NotAllowed, OfferNotFound
from submissions.domain.offer import Offer
from submissions.domain.validation import Violations

MAX_ROLE_TITLE = 200
MAX_DETAILS = 5000
MAX_DECLINE_REASON = 1000
# An annual salary may be far above any project fee (the kit's per-amount maximum), so offers
# have their own bound: 1,000,000,000.00 in a two-decimal currency, far below int64.
MAX_COMPENSATION_MINOR = 100_000_000_000
CURRENCY = re.compile(r"^[A-Z]{3}$")


def check_visible(offer: Offer | None, ref: str, actor: Actor) -> Offer:
    require_identity(actor)
    o = offer
    if o is None or not actor.is_party(
        student=o.student_id, company=o.company_id, university=o.university_id
    ):
        raise OfferNotFound(ref)
    return o


def check_intern(offer: Offer, actor: Actor) -> None:
    if not (actor.role == STUDENT and actor.subject == offer.student_id):
        raise NotAllowed("only the intern answers an offer")


def check_employer(company_id: str, actor: Actor) -> None:
    if not (actor.role == EMPLOYER and actor.acts_for(company_id)):
        raise NotAllowed("only the company's employers make or withdraw an offer")


def offer_id(v: Violations, value: str) -> None:
    if not is_id(value, "ofr"):
        v.add("offer_id", "must be an offer id (ofr_…)")


def terms(v: Violations, c: cmd.MakeOffer) -> None:
    if c.kind is None:
        v.add("kind", "required: INTERNSHIP, PART_TIME or FULL_TIME")
    v.length("role_title", c.role_title, MAX_ROLE_TITLE, required=True)
    v.length("details", c.details, MAX_DETAILS)
    money = c.compensation
    if money is not None:
        if not CURRENCY.match(money.currency):
            v.add("compensation.currency", "must be an ISO 4217 code (e.g. USD)")
        problem = amount_problem(money.amount_minor, MAX_COMPENSATION_MINOR)
        if problem:
            v.add("compensation.amount_minor", problem)


def decline_reason(v: Violations, reason: str) -> None:
    v.length("reason", reason, MAX_DECLINE_REASON)
