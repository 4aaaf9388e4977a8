"""Settings of the outcomes service (environment prefix ``STINT_``)."""

from __future__ import annotations

from pydantic import Field

from stint.kit.settings import KitSettings


class Settings(KitSettings):
    """Defaults from design.md §6; every field can be overridden by ``STINT_<FIELD>``."""

    service_name: str = "outcomes"
    grpc_port: int = Field(50056, ge=0, le=65535)
    http_port: int = Field(9106, ge=0, le=65535)

    # A count below k is shown as "< k"; money and ratings need k distinct students.
    outcomes_suppression_k: int = Field(5, ge=2, le=1000)
    # The longest [from, to) a report may span when both are given.
    outcomes_max_range_days: int = Field(3660, ge=1, le=36600)
    # The most companies listed in by_company (the rest are counted in companies_omitted).
    outcomes_max_companies: int = Field(200, ge=1, le=10000)
    # How often a consumed event retries a write that lost an optimistic race.
    write_attempts: int = Field(5, ge=1, le=20)
