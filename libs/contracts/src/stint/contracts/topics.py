"""Kafka topic names, the key rule and dead-letter topics: the one hand-written contract.

Every domain topic carries the Protobuf events of one bounded context (design.md §4). The
record key is the id of the aggregate the event is about, so all events of one aggregate land
on one partition, in order. A consuming service that gives up on a record sends it to its own
dead-letter topic, `stint.dlq.<consuming-service>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

POSTINGS: Final = "stint.postings.v1"
APPLICATIONS: Final = "stint.applications.v1"
SUBMISSIONS: Final = "stint.submissions.v1"
PAYOUTS: Final = "stint.payouts.v1"
NOTIFICATIONS: Final = "stint.notifications.v1"

DLQ_PREFIX: Final = "stint.dlq."


@dataclass(frozen=True)
class TopicSpec:
    """How a topic is created: partition count, and what its record key is."""

    name: str
    partitions: int
    key: str


DOMAIN_TOPICS: Final[tuple[TopicSpec, ...]] = (
    TopicSpec(
        POSTINGS,
        3,
        "posting id (pst_…); company events: company id (cmp_…); saved-search events: "
        "saved search id (srch_…)",
    ),
    TopicSpec(
        APPLICATIONS, 3, "application id (app_…), invitation id (ivt_…) or conversation id (cnv_…)"
    ),
    TopicSpec(SUBMISSIONS, 3, "engagement id (eng_…)"),
    TopicSpec(PAYOUTS, 3, "payout id (pay_…) or funding id (fnd_…)"),
    TopicSpec(NOTIFICATIONS, 3, "webhook endpoint id (whe_…)"),
)

# Every consuming service (each has a dead-letter topic); outcomes is a read model that
# publishes no topic of its own.
SERVICES: Final = (
    "postings",
    "applications",
    "submissions",
    "payouts",
    "notifications",
    "outcomes",
)


def dlq_topic(consuming_service: str) -> str:
    """The dead-letter topic of a consuming service, e.g. ``stint.dlq.payouts``."""
    if not consuming_service or not consuming_service.isidentifier():
        raise ValueError(f"not a service name: {consuming_service!r}")
    return f"{DLQ_PREFIX}{consuming_service}"


def all_topics() -> tuple[TopicSpec, ...]:
    """Every topic the platform needs, dead letters included (one partition each)."""
    dlqs = tuple(TopicSpec(dlq_topic(s), 1, "key of the original record") for s in SERVICES)
    return DOMAIN_TOPICS + dlqs
