"""`python -m submissions`: run the service until SIGTERM."""

from __future__ import annotations

import asyncio

from stint.kit.logging import configure_logging
from submissions.bootstrap import build
from submissions.config import Settings


async def main() -> None:
    # Values come from the environment; mypy cannot see pydantic-settings defaults.
    settings = Settings()  # type: ignore[call-arg]
    configure_logging(settings.service_name, settings.log_level)
    runner = await build(settings)
    await runner.run_until_signalled()


if __name__ == "__main__":
    asyncio.run(main())
