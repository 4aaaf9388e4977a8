"""`python -m postings`: run the service until SIGTERM."""

from __future__ import annotations

import asyncio

from postings.bootstrap import build
from postings.config import Settings
from stint.kit.logging import configure_logging


async def main(settings: Settings) -> None:
    runner = await build(settings)
    await runner.run_until_signalled()


if __name__ == "__main__":
    settings = Settings()  # type: ignore[call-arg]  # pydantic fills the fields from the env
    configure_logging(settings.service_name, settings.log_level)
    asyncio.run(main(settings))
