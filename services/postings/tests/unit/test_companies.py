"""Company profiles and verification: rules (pure) and use cases over an in-memory store."""

from __future__ import annotations

from datetime import datetime

import pytest

from postings.domain.company import Profile, Verification, VerificationDecision
from postings.domain.company_rules import checked_decision, checked_profile
from postings.handlers.companies import CompanyCommands
from stint.kit.actor import Actor, Cause
from stint.kit.errors import (
    ConcurrencyConflict,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from stint.kit.testing.clock import ManualClock

from .fakes import FakeCompanies

ACME = "cmp_acme"


@pytest.fixture
def store() -> FakeCompanies:
    return FakeCompanies()


@pytest.fixture
def companies(store: FakeCompanies, now: datetime) -> CompanyCommands:
    return CompanyCommands(store, ManualClock(now))


def cause(actors: dict[str, Actor], role: str) -> Cause:
    return Cause(actors[role])


def test_profile_validation_names_every_bad_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        checked_profile(Profile(" ", "http://acme.example", "javascript:alert(1)", "x" * 2001))
    fields = [v.field for v in caught.value.violations]
    assert fields == ["display_name", "website", "logo_url", "description"]
    ok = checked_profile(Profile("  Acme  ", "https://acme.example", "", "We analyse."))
    assert ok.display_name == "Acme"


def test_verification_documents_are_https_urls_or_ids_and_bounded() -> None:
    good = VerificationDecision(
        Verification.VERIFIED, "Acme.Example", ("https://files.example/k.pdf", "doc_123")
    )
    assert checked_decision(good).domain == "acme.example"
    for bad in (
        VerificationDecision(Verification.VERIFIED, "not a domain"),
        VerificationDecision(Verification.VERIFIED, documents=("ftp://x/y",)),
        VerificationDecision(Verification.VERIFIED, documents=("doc",) * 11),
    ):
        with pytest.raises(InvalidArgument):
            checked_decision(bad)


async def test_own_unknown_company_is_a_default_unverified_profile(
    companies: CompanyCommands, actors: dict[str, Actor]
) -> None:
    own = await companies.get(ACME, actors["employer"])
    assert (own.id, own.version, own.verification.status) == (ACME, 0, Verification.UNVERIFIED)
    for role in ("student", "other_employer", "admin"):
        with pytest.raises(NotFound):
            await companies.get(ACME, actors[role])


async def test_profile_and_verification_lifecycle(
    companies: CompanyCommands, store: FakeCompanies, actors: dict[str, Actor]
) -> None:
    saved = await companies.update(
        ACME, Profile("Acme", "https://acme.example"), 0, cause(actors, "employer")
    )
    assert saved.version == 1
    assert store.events[-1].value == "CompanyUpdated"
    same = await companies.update(
        ACME, Profile("Acme", "https://acme.example"), 0, cause(actors, "employer")
    )
    assert same.version == 1  # nothing changed, nothing emitted
    with pytest.raises(ConcurrencyConflict):
        await companies.update(ACME, Profile("Acme 2"), 7, cause(actors, "employer"))
    with pytest.raises(PermissionDenied):
        await companies.update(ACME, Profile("Mine now"), 0, cause(actors, "other_employer"))
    decision = VerificationDecision(
        Verification.VERIFIED, "acme.example", ("doc_1",), "called the CEO", decided_by="usr_root"
    )
    with pytest.raises(PermissionDenied):
        await companies.decide(ACME, decision, 0, cause(actors, "employer"))
    verified = await companies.decide(ACME, decision, 0, cause(actors, "admin"))
    assert verified.verified
    assert store.events[-1].value == "CompanyVerified"
    public = await companies.get(ACME, actors["student"])
    assert public.profile.display_name == "Acme"
    assert public.verified
    assert public.verification.documents == ()
    assert public.verification.note == ""
    own = await companies.get(ACME, actors["employer"])
    assert own.verification.documents == ("doc_1",)
    assert own.verification.note == "called the CEO"
    revoke = VerificationDecision(Verification.REVOKED, note="fraud")
    revoked = await companies.decide(ACME, revoke, 0, cause(actors, "admin"))
    assert not revoked.verified
    assert store.events[-1].value == "CompanyVerificationRevoked"
    with pytest.raises(FailedPrecondition):
        await companies.decide(ACME, revoke, 0, cause(actors, "admin"))


async def test_other_employers_get_not_found_for_an_unknown_company(
    companies: CompanyCommands, actors: dict[str, Actor]
) -> None:
    with pytest.raises(NotFound):
        await companies.update(ACME, Profile("Acme"), 0, cause(actors, "other_employer"))
    with pytest.raises(PermissionDenied):
        await companies.update(ACME, Profile("Acme"), 0, cause(actors, "student"))


async def test_only_admins_list_companies(
    companies: CompanyCommands, store: FakeCompanies, actors: dict[str, Actor]
) -> None:
    store.verified(ACME)
    page = await companies.list_companies(Verification.VERIFIED, 0, "", actors["admin"])
    assert [c.id for c in page.items] == [ACME]
    with pytest.raises(PermissionDenied):
        await companies.list_companies(None, 0, "", actors["employer"])
