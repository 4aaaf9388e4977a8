"""`python -m payouts`: run the payouts service until SIGTERM."""

from __future__ import annotations

import asyncio

from payouts.bootstrap import build
from payouts.config import Settings
from stint.kit.logging import configure_logging


async def main() -> None:
    settings = Settings.model_validate({})
    runner = await build(settings)
    await runner.run_until_signalled()


if __name__ == "__main__":
    settings = Settings.model_validate({})
    configure_logging(settings.service_name, settings.log_level)
    asyncio.run(main())
