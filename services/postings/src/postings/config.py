"""Settings of the postings service: the kit's infrastructure settings plus domain policy."""

from __future__ import annotations

from pydantic import Field

from postings.domain.review import DEFAULT_PROHIBITED_WORK
from postings.domain.validation import Policy
from stint.kit.settings import KitSettings


class Settings(KitSettings):
    """Every field can be set as ``STINT_<FIELD>`` (dicts as JSON)."""

    service_name: str = "postings"
    grpc_port: int = Field(50051, ge=0, le=65535)
    http_port: int = Field(9101, ge=0, le=65535)

    # Platform policy: micro-internships are 10 to 40 hours.
    min_estimated_hours: int = Field(10, ge=1)
    max_estimated_hours: int = Field(40, ge=1)
    # Hourly pay floor per accepted currency, in minor units; a currency missing here is not
    # accepted for fees (e.g. STINT_HOURLY_PAY_FLOOR_MINOR='{"USD": 2000, "EUR": 1900}').
    hourly_pay_floor_minor: dict[str, int] = Field(default_factory=lambda: {"USD": 2000})
    # How long a replica owns a due expiry before another may retry it (renewed while it runs).
    expiry_lease_seconds: float = Field(10.0, gt=0)
    # Phrases of prohibited kinds of work; a posting mentioning one (title, summary,
    # description, skills) goes to review (STINT_PROHIBITED_WORK='["unpaid trial", …]').
    prohibited_work: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PROHIBITED_WORK), max_length=500
    )

    def policy(self) -> Policy:
        return Policy(
            min_hours=self.min_estimated_hours,
            max_hours=self.max_estimated_hours,
            hourly_floor_minor=dict(self.hourly_pay_floor_minor),
            max_amount_minor=self.max_amount_minor,
            prohibited_work=tuple(p.strip().lower() for p in self.prohibited_work if p.strip()),
        )
