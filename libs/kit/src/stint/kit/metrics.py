"""Prometheus metrics the kit itself records, registered once per process.

Every metric has a `service` label so that a process hosting several kit components (tests)
does not register twice; names follow design.md §9.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_CONSUMED = Counter(
    "stint_events_consumed_total",
    "Kafka records handled, by outcome (applied, ignored, dead_lettered).",
    ["service", "topic", "type", "outcome"],
)
EVENT_HANDLING_SECONDS = Histogram(
    "stint_event_handling_seconds",
    "Time to handle one Kafka record, retries included.",
    ["service", "topic", "type"],
)
EVENT_HANDLER_FAILURES = Counter(
    "stint_event_handler_failures_total",
    "Handler attempts that raised (each retry counts).",
    ["service", "topic", "type"],
)
DLQ_MESSAGES = Counter(
    "stint_dlq_messages_total",
    "Records sent to the service's dead-letter topic.",
    ["service", "topic", "reason"],
)
EVENTS_PUBLISHED = Counter(
    "stint_events_published_total",
    "Events the outbox relay published.",
    ["service", "topic", "type"],
)
OUTBOX_PENDING = Gauge(
    "stint_outbox_pending",
    "Events waiting in aggregate outboxes at the last relay sweep.",
    ["service", "collection"],
)
OUTBOX_OLDEST_AGE = Gauge(
    "stint_outbox_oldest_age_seconds",
    "Age of the oldest unpublished event at the last relay sweep.",
    ["service", "collection"],
)
OUTBOX_PUBLISH_DELAY = Histogram(
    "stint_outbox_publish_delay_seconds",
    "From the event's commit (ce_time) to its acknowledgement by Kafka.",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
TIMERS_FIRED = Counter(
    "stint_timers_fired_total",
    "Due timers claimed and run, by outcome (done, failed).",
    ["service", "timer", "outcome"],
)
CONSUMER_IN_FLIGHT = Gauge(
    "stint_consumer_in_flight",
    "Records being dispatched right now (at most the consumer's concurrency).",
    ["service"],
)
CONSUMER_BUFFERED = Gauge(
    "stint_consumer_buffered",
    "Records fetched and not yet done: in flight or waiting behind their key.",
    ["service"],
)
CONSUMER_COMMIT_LAG = Gauge(
    "stint_consumer_commit_lag",
    "Records of the partition past the offset last committed (log end minus committed).",
    ["service", "topic", "partition"],
)
CONSUMER_COMMIT_FAILURES = Counter(
    "stint_consumer_commit_failures_total",
    "Offset commits that failed (they are retried; nothing is skipped).",
    ["service"],
)
CONSUMER_REDISPATCHES = Counter(
    "stint_consumer_redispatches_total",
    "Records dispatched again because they could be neither handled nor dead-lettered.",
    ["service"],
)
DB_COMMANDS = Counter(
    "stint_db_commands_total",
    "Database commands this process sent, by command and collection (what a request costs).",
    ["service", "command", "collection"],
)
