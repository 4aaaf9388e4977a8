"""Run the gateway: ``python -m gateway`` (uvicorn; SIGTERM drains in-flight requests)."""

from __future__ import annotations

import uvicorn

from gateway.app import create_app
from gateway.config import DEV_JWT_SECRET, GatewaySettings
from stint.kit.logging import configure_logging


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    if not settings.jwt_secret.get_secret_value() and not settings.jwt_jwks_url:
        # Local development only: `make run` and `make token` share this documented default.
        settings = settings.model_copy(update={"jwt_secret": __import__("pydantic").SecretStr(DEV_JWT_SECRET)})
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
