"""The one `__main__` of every service: ``run_service(build, Settings)``.

Reads the settings from the environment, configures JSON logging, builds the service with its
composition root and runs it until SIGTERM or SIGINT (`ServiceRunner.run_until_signalled`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from stint.kit.logging import configure_logging
from stint.kit.runner import ServiceRunner
from stint.kit.settings import KitSettings

S = TypeVar("S", bound=KitSettings)


def run_service(build: Callable[[S], Awaitable[ServiceRunner]], settings_type: type[S]) -> None:
    settings = settings_type()
    configure_logging(settings.service_name, settings.log_level)

    async def serve() -> None:
        runner = await build(settings)
        await runner.run_until_signalled()

    asyncio.run(serve())
