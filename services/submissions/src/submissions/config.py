"""Settings of the submissions service (env prefix STINT_, see the README)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from stint.kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "submissions"
    grpc_port: int = Field(50053, ge=0, le=65535)
    http_port: int = Field(9103, ge=0, le=65535)

    # Revisions an employer may request when the hire does not say otherwise.
    default_revision_limit: int = Field(2, ge=0, le=10)
    # The employer's time to review a submission before it is approved automatically.
    review_window_days: float = Field(7.0, gt=0)
    # Double-blind feedback: ratings are revealed when both rated or this long after completion.
    reveal_window_days: float = Field(14.0, gt=0)
    # The company's time to fund a hire (payouts' FundingSecured) before the engagement is
    # cancelled. At most 30 days: the hired student should not wait longer to hear.
    funding_window_hours: float = Field(72.0, gt=0, le=720)
    # The other side's time to answer a dispute before it goes to an admin unanswered (96 h:
    # four days, as Riipen gives). At most 30 days: a dispute holds the intern's pay.
    dispute_answer_hours: float = Field(96.0, gt=0, le=720)
    # How far past the later of the due date and now an extension may move the due date.
    max_extension_days: int = Field(60, ge=1, le=365)

    # The platform's Ed25519 signing key for experience records: base64 of the raw 32-byte
    # seed, and its key id (the JWS `kid`). Empty: a development key kept in the service's
    # database is used (and created on first start), with a warning; see the README.
    signing_key_seed: SecretStr = SecretStr("")
    signing_key_id: str = Field("", max_length=100)
    # Refuse to start without a configured key (set in production).
    require_signing_key: bool = False
    # Public keys of retired signing keys, as a JWKS JSON document, still accepted by Verify.
    retired_signing_keys_jwks: str = ""
