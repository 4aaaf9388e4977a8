"""Run the gateway: ``python -m gateway`` (uvicorn; SIGTERM drains in-flight requests)."""

from __future__ import annotations

import uvicorn

from gateway.app import create_app
from gateway.config import GatewaySettings
from stint.kit.logging import configure_logging


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        # Forwarded headers are handled by the app, trusting STINT_FORWARDED_ALLOW_IPS only;
        # uvicorn's own default would trust them from 127.0.0.1 (or $FORWARDED_ALLOW_IPS).
        proxy_headers=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
