"""Ids from other contexts and the identity provider are opaque: only their shape is bounded."""

from __future__ import annotations

import pytest

from payouts.domain.commands import id_violations


@pytest.mark.parametrize("value", ["cmp_acme_inc", "auth0|5f3c2a", "stu_01jd3k", "u-1.2@idp"])
def test_external_ids_are_accepted(value: str) -> None:
    assert id_violations("company_id", value) == []


@pytest.mark.parametrize("value", ["", " cmp", "cmp acme", "x" * 129, "$where", "cmp\n"])
def test_malformed_ids_are_refused(value: str) -> None:
    assert id_violations("company_id", value) != []
