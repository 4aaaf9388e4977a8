"""JWS signing and strict verification: any edited byte fails; keys come from the JWKS."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stint.common.v1 import work_pb2
from submissions.adapters import wire
from submissions.adapters.signing import KeyRing, b64url, public_jwk, verify
from submissions.domain import record
from submissions.domain.model import Artifact, Decision, Review, Submission, Windows

from .fakes import T0, engagement

KEYS = KeyRing.from_seed(b"\x01" * 32, "key-1")


def issued() -> tuple[str, dict[str, object]]:
    e = engagement()
    artifact = Artifact("deck.pdf", "https://files.example/deck.pdf", "ab" * 32)
    e.submit(Submission(1, "", (artifact,), False, "", T0 + timedelta(days=1)), Windows())
    e.approve(Review(1, Decision.APPROVED, "", (), "usr_boss", T0 + timedelta(days=2)), Windows())
    claims = record.payload(e, T0 + timedelta(days=3))
    return KEYS.sign(record.canonical(claims)), claims


JWS, CLAIMS = issued()


def test_round_trip() -> None:
    result = verify(JWS, KEYS.jwks())
    assert result.valid
    assert result.kid == "key-1"
    assert result.claims == CLAIMS
    assert CLAIMS["employer_rating"] == 0  # not revealed yet: the default, as REST prints it
    assert CLAIMS["artifacts"] == [{"name": "deck.pdf", "sha256": "ab" * 32}]


def test_every_single_character_edit_fails() -> None:
    alphabet = "AB_-z09.="
    for i, original in enumerate(JWS):
        for c in alphabet:
            if c != original:
                assert not verify(JWS[:i] + c + JWS[i + 1 :], KEYS.jwks()).valid, (i, c)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(JWS) - 1), char=st.characters())
def test_any_edit_fails(index: int, char: str) -> None:
    if char != JWS[index]:
        assert not verify(JWS[:index] + char + JWS[index + 1 :], KEYS.jwks()).valid


def test_truncation_and_extension_fail() -> None:
    assert verify(JWS[:-1], KEYS.jwks()).reason == "malformed"
    assert not verify(JWS + "A", KEYS.jwks()).valid
    assert verify("", KEYS.jwks()).reason == "malformed"


def test_other_keys_and_algorithms_are_refused() -> None:
    other = KeyRing.from_seed(os.urandom(32), "key-1")
    assert verify(JWS, other.jwks()).reason == "bad_signature"
    assert verify(JWS, {"keys": []}).reason == "unknown_key"
    header = b64url(b'{"alg":"none","kid":"key-1"}')
    assert verify(header + JWS[JWS.index(".") :], KEYS.jwks()).reason == "unsupported_algorithm"


def test_retired_keys_still_verify_after_rotation() -> None:
    retired = public_jwk(KEYS.private_key.public_key(), "key-1")
    rotated = KeyRing.from_seed(b"\x02" * 32, "key-2", [retired])
    assert [k["kid"] for k in rotated.jwks()["keys"]] == ["key-2", "key-1"]
    assert verify(JWS, rotated.jwks()).valid


def test_payload_is_canonical_and_the_resume_line_reads_well() -> None:
    assert record.canonical(CLAIMS) == record.canonical(dict(reversed(list(CLAIMS.items()))))
    line = record.resume_line(CLAIMS)
    assert line.startswith("Competitor pricing study — 20-hour market research micro-internship")
    assert "completed Mar 2026" in line
    rated = {**CLAIMS, "employer_rating": 5, "endorsed_skills": ["SQL"]}
    assert "employer rating 5/5; skills: SQL" in record.resume_line(rated)


def test_signed_claims_of_another_shape_are_not_records() -> None:
    assert record.is_record(CLAIMS)
    assert not record.is_record({**CLAIMS, "typ": "something-else"})
    assert not record.is_record({k: v for k, v in CLAIMS.items() if k != "student_id"})
    assert not record.is_record({**CLAIMS, "estimated_hours": "20"})


def test_claims_are_spelled_as_the_rest_api_spells_the_engagement() -> None:
    assert str(CLAIMS["company_id"]).startswith("cmp_")
    assert "company" not in CLAIMS
    assert CLAIMS["category"] == "CATEGORY_MARKET_RESEARCH"
    assert CLAIMS["completed_at"] == "2026-03-04T09:00:00Z"  # protojson: no ".000"
    assert record.spelled_currently(CLAIMS)


# A record as signed before issue 17: `company`, the bare enum value, null for no rating.
LEGACY = {
    **{k: v for k, v in CLAIMS.items() if k != "company_id"},
    "company": CLAIMS["company_id"],
    "category": "MARKET_RESEARCH",
    "employer_rating": None,
    "completed_at": "2026-03-04T09:00:00.000Z",
}


def test_a_record_signed_in_the_old_spelling_still_verifies_and_reads_back() -> None:
    signed = KEYS.sign(record.canonical(LEGACY))
    result = verify(signed, KEYS.jwks())
    assert result.valid
    assert result.claims == LEGACY  # the signed bytes are what they were
    assert record.is_record(LEGACY)
    assert not record.spelled_currently(LEGACY)
    assert record.current(LEGACY) == CLAIMS
    decoded = wire.record(LEGACY)
    assert decoded == wire.record(CLAIMS)
    assert decoded.company == CLAIMS["company_id"]
    assert decoded.category == work_pb2.CATEGORY_MARKET_RESEARCH
    assert decoded.employer_rating == 0
    assert record.resume_line(LEGACY) == record.resume_line(CLAIMS)
    unspecified = {**LEGACY, "category": "UNSPECIFIED"}
    assert wire.record(unspecified).category == work_pb2.CATEGORY_UNSPECIFIED
    assert "20-hour micro-internship" in record.resume_line(unspecified)
