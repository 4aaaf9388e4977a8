"""Settings of the applications service (environment prefix ``STINT_``)."""

from __future__ import annotations

from pydantic import Field

from stint.kit.settings import KitSettings


class Settings(KitSettings):
    """Defaults from design.md §6; every field can be overridden by ``STINT_<FIELD>``."""

    service_name: str = "applications"
    grpc_port: int = Field(50052, ge=0, le=65535)
    http_port: int = Field(9102, ge=0, le=65535)

    # Bounds of what a student submits (the issue: pitch ≤ 5,000 characters, ≤ 5 links).
    max_pitch_chars: int = Field(5000, ge=1)
    max_links: int = Field(5, ge=0)
    max_reason_chars: int = Field(1000, ge=1)
    # How often a request retries a write that lost an optimistic race before answering ABORTED.
    write_attempts: int = Field(5, ge=1, le=20)
    # Applying right after publish (handlers/catch_up.py): the longest a SubmitApplication
    # waits for the projection to learn of a just-published posting, and how recent an unknown
    # posting's id must be to answer POSTING_NOT_READY (retry) instead of NOT_FOUND.
    apply_catch_up_seconds: float = Field(2.0, ge=0, le=10)
    apply_not_ready_seconds: int = Field(300, ge=0, le=86_400)

    # Conversations (the issue: text ≤ 5,000 characters, ≤ 10 artifacts, a per-sender rate
    # limit per conversation, kept in the conversation's document).
    max_message_chars: int = Field(5000, ge=1, le=5000)
    max_message_artifacts: int = Field(10, ge=0, le=10)
    message_rate_limit: int = Field(20, ge=1)
    message_rate_window_seconds: float = Field(60.0, gt=0)
