"""Settings of the notifications service (env prefix ``STINT_``)."""

from __future__ import annotations

from pydantic import Field

from stint.kit.settings import KitSettings

# Standard Webhooks' suggested schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


class Settings(KitSettings):
    """Webhook delivery knobs beside the kit's infrastructure settings."""

    service_name: str = "notifications"
    grpc_port: int = 50055
    http_port: int = 9105

    # Delay before each attempt (seconds); tests compress it.
    webhook_schedule_seconds: tuple[float, ...] = Field(default=DEFAULT_SCHEDULE, min_length=1)
    webhook_jitter: float = Field(default=0.2, ge=0, le=0.5)
    webhook_timeout_seconds: float = Field(default=15.0, gt=0)
    webhook_max_response_bytes: int = Field(default=4096, ge=0)
    webhook_max_retry_after_seconds: float = Field(default=3600.0, ge=0)
    webhook_per_endpoint_concurrency: int = Field(default=4, ge=1, le=100)
    webhook_disable_after_seconds: float = Field(default=5 * 24 * 3600.0, gt=0)
    webhook_secret_overlap_seconds: float = Field(default=24 * 3600.0, ge=0)
    # Local development and tests only: production must never reach loopback addresses.
    webhook_allow_loopback: bool = False

    # E-mail: empty smtp_host turns the e-mail channel off (notifications stay in-app).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    email_sender: str = "Stint <notifications@stint.local>"
    email_schedule_seconds: tuple[float, ...] = Field(
        default=(0.0, 30.0, 120.0, 600.0, 1800.0, 7200.0), min_length=1
    )
    inbox_url: str = "http://127.0.0.1:8080/inbox"
