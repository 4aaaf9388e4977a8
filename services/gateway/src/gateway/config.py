"""Gateway settings (environment variables ``STINT_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from stint.kit.settings import KitSettings

DEV_JWT_SECRET = "stint-dev-secret-not-for-production"  # noqa: S105 - documented dev default


class GatewaySettings(KitSettings):
    service_name: str = "gateway"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # /metrics, /healthz, /readyz live on this port, never on the API port (design.md §9):
    # the ingress exposes the API only, and Prometheus and probes reach this one.
    ops_host: str = "127.0.0.1"
    ops_port: int = Field(default=9100, ge=0, le=65535)

    # HS256 with a shared secret in development; RS256 against a JWKS URL in production.
    jwt_secret: SecretStr = SecretStr("")
    jwt_jwks_url: str = ""
    jwt_issuer: str = "stint"
    jwt_audience: str = "stint-gateway"
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    jwks_cache_seconds: int = Field(default=600, ge=10)

    # Signs the per-call service identity token (stint.kit.grpc.service_identity); the services
    # hold the public half in STINT_IDENTITY_PUBLIC_KEYS. Required: the gateway does not start
    # without it.
    identity_private_key: SecretStr = SecretStr("")

    # The Kafka bootstrap that /asyncapi.json tells integrators to connect to (their listener,
    # e.g. "events.stint.example:9094"); empty: this gateway's own STINT_KAFKA_BOOTSTRAP, which
    # is right in development and an in-cluster address in production (set it there).
    asyncapi_kafka_servers: str = ""

    # Every backend call has a deadline: a stopped or hung backend gives 503/504, not a hang.
    grpc_deadline_seconds: float = Field(default=5.0, gt=0, le=60)
    postings_addr: str = "127.0.0.1:50051"
    applications_addr: str = "127.0.0.1:50052"
    submissions_addr: str = "127.0.0.1:50053"
    payouts_addr: str = "127.0.0.1:50054"
    notifications_addr: str = "127.0.0.1:50055"
    outcomes_addr: str = "127.0.0.1:50056"

    # Per-subject token bucket (anonymous callers are keyed by client address).
    rate_limit_per_second: float = Field(default=20.0, gt=0)
    rate_limit_burst: int = Field(default=40, ge=1)
    # Failed authentications per client address: 20 at once, then one per 6 s. A person who
    # mistyped is never near it; a token-guessing script is slowed to ten a minute.
    failed_auth_per_second: float = Field(default=1 / 6, gt=0)
    failed_auth_burst: int = Field(default=20, ge=1)
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses
    # or CIDR ranges, "*" for any). Empty: none, and the client is the TCP peer. Kubernetes
    # sets the ingress controller's range; anything else lets any caller pick its address
    # (and so its anonymous rate-limit bucket).
    forwarded_allow_ips: str = ""

    cors_origins: list[str] = []
    idempotency_ttl_hours: int = Field(default=24, ge=1, le=168)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    @property
    def database_name(self) -> str:
        # The gateway owns no domain data; this database holds idempotency records only.
        return self.mongo_database or "stint_gateway"

    def backend_addresses(self) -> dict[str, str]:
        return {
            "postings": self.postings_addr,
            "applications": self.applications_addr,
            "submissions": self.submissions_addr,
            "payouts": self.payouts_addr,
            "notifications": self.notifications_addr,
            "outcomes": self.outcomes_addr,
        }
