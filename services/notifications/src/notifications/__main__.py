"""`python -m notifications`: run the service until SIGTERM."""

from __future__ import annotations

import asyncio

from notifications.bootstrap import build
from notifications.config import Settings
from stint.kit.logging import configure_logging


async def _main(settings: Settings) -> None:
    runner = await build(settings)
    await runner.run_until_signalled()


def main() -> None:
    settings = Settings()
    configure_logging(settings.service_name, settings.log_level)
    asyncio.run(_main(settings))


if __name__ == "__main__":
    main()
