"""Settings shared by every service, read from the environment (prefix ``STINT_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from stint.kit.money import DEFAULT_MAX_AMOUNT_MINOR, MAX_AMOUNT_CEILING


class KitSettings(BaseSettings):
    """Infrastructure settings; a service subclasses this and adds its own fields.

    A subclass sets its defaults (``service_name``, ports) as class attributes; every field can
    be overridden by ``STINT_<FIELD>`` (e.g. ``STINT_KAFKA_BOOTSTRAP``).
    """

    model_config = SettingsConfigDict(env_prefix="STINT_", extra="ignore", frozen=True)

    service_name: str = Field(default="stint", pattern=r"^[a-z][a-z0-9_]*$")
    kafka_bootstrap: str = "127.0.0.1:9092"
    # Prepended to every topic and consumer group this service uses: lets several environments
    # share one cluster, and gives each integration test private topics.
    kafka_topic_prefix: str = Field(default="", pattern=r"^[a-zA-Z0-9._-]*$")
    # For topics a service creates itself when missing (production provisions them: Strimzi).
    kafka_replication_factor: int = Field(default=1, ge=1, le=5)
    mongo_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    # Empty means "stint_<service_name>", the database the service owns.
    mongo_database: str = ""
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(default=50050, ge=0, le=65535)
    # Service identity (stint.kit.grpc.service_identity): the gateway's Ed25519 public keys,
    # comma-separated while a key is being rotated. Required: without it every call is refused.
    identity_public_keys: str = ""
    # Server reflection maps the whole API for whoever reaches the port: off unless asked for.
    grpc_reflection: bool = False
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=9100, ge=0, le=65535)
    log_level: str = "INFO"
    # OpenTelemetry (stint.kit.tracing): none (default), otlp (the standard OTEL_EXPORTER_OTLP_*
    # variables say where), file (one JSON-lines file per process in trace_dir), console.
    trace_exporter: Literal["none", "otlp", "file", "console"] = "none"
    trace_dir: str = ""

    # The relay drains each written document at once; the sweep only recovers what a crash or
    # an outage left behind (design.md §5: periodic work touches pending documents only).
    relay_sweep_seconds: float = Field(default=60.0, gt=0)
    relay_lease_seconds: float = Field(default=10.0, gt=0)
    relay_concurrency: int = Field(default=16, ge=1, le=256)
    consumer_max_attempts: int = Field(default=4, ge=1, le=20)
    consumer_backoff_seconds: float = Field(default=0.2, ge=0)
    consumer_backoff_max_seconds: float = Field(default=5.0, ge=0)
    # Records dispatched at once (different keys; one key is always in order), and how many may
    # wait fetched but not done before fetching pauses (0: four times the concurrency).
    consumer_concurrency: int = Field(default=16, ge=1, le=1024)
    consumer_max_buffered: int = Field(default=0, ge=0)
    # Offsets are committed at most this often while records finish (and at once on stop or
    # rebalance): a crash redelivers at most this much work.
    # 1 s (not less): every commit is a write to __consumer_offsets, a measurable share of the
    # broker's CPU per lifecycle in `make bench`; a crash then redelivers at most ~1 s of work,
    # which idempotent handlers absorb.
    consumer_commit_interval_seconds: float = Field(default=1.0, gt=0, le=10)
    # How often due times are compared with the clock (in memory, no database request).
    timer_poll_seconds: float = Field(default=1.0, gt=0)
    # How often timers scheduled elsewhere (another replica) are looked up; a restart looks at
    # once, so a crash and restart delays nothing by this much.
    timer_sweep_seconds: float = Field(default=300.0, gt=0)
    timer_concurrency: int = Field(default=8, ge=1, le=256)
    # stint.kit.docguard: auto = lease lock on FerretDB, none on MongoDB; "local" (in-process
    # locks) only when one process per service writes the database, as `make run` does.
    write_guard: Literal["auto", "lease", "local", "none"] = "auto"
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    # The platform maximum per amount, in minor units (design.md §10): every service refuses a
    # fee above it where it enters (stint.kit.money), so no sum of fees nears int64.
    max_amount_minor: int = Field(default=DEFAULT_MAX_AMOUNT_MINOR, ge=1, le=MAX_AMOUNT_CEILING)

    @property
    def database_name(self) -> str:
        return self.mongo_database or f"stint_{self.service_name}"

    @property
    def consumer_group(self) -> str:
        return f"{self.kafka_topic_prefix}{self.service_name}"

    def topic(self, name: str) -> str:
        """The physical name of a topic from `stint.contracts.topics` (prefix applied)."""
        return f"{self.kafka_topic_prefix}{name}"
