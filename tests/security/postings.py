"""A valid posting body, for the attacks that need one to vary."""

from __future__ import annotations

from typing import Any

from ..e2e.flow import posting as e2e_posting


def posting(**overrides: Any) -> dict[str, Any]:
    return e2e_posting("Market sizing for a campus coffee app") | overrides
