"""Kafka entrypoint: CandidateHired (stint.applications.v1) starts an engagement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from stint.applications.v1.events_pb2 import CandidateHired
from stint.kit.envelope import Envelope
from submissions.adapters import wire
from submissions.domain import commands as cmd
from submissions.handlers import Handlers


def on_candidate_hired(handlers: Handlers) -> Callable[[CandidateHired, Envelope], Awaitable[None]]:
    async def handle(event: CandidateHired, envelope: Envelope) -> None:
        """Consumes CandidateHired; emits EngagementStarted (once per application)."""
        correlation = wire.correlation_id(event) or envelope.id
        ctx = cmd.Context(cmd.SYSTEM, correlation_id=correlation, causation_id=envelope.id)
        await handlers.start_engagement(wire.hire(event), ctx, envelope.id)

    return handle
