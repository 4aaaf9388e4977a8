"""Kafka entrypoint: CandidateHired (stint.applications.v1) starts an engagement."""

from __future__ import annotations

from stint.applications.v1.events_pb2 import CandidateHired
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from submissions.adapters import wire
from submissions.handlers import EngagementHandlers


def router(settings: KitSettings, engagements: EngagementHandlers) -> EventRouter:
    """The events this service consumes, each to its use case."""
    events = EventRouter()

    @events.handler(settings.topic(topics.APPLICATIONS), CandidateHired)
    async def on_candidate_hired(event: CandidateHired, envelope: Envelope) -> None:
        """Consumes CandidateHired; emits EngagementStarted (once per application)."""
        await engagements.start(wire.hire(event), wire.hire_cause(event, envelope.id), envelope.id)

    return events
