"""Kafka entrypoint: CandidateHired (stint.applications.v1) creates an engagement, payouts'
FundingSecured (stint.payouts.v1) starts it."""

from __future__ import annotations

from stint.applications.v1.events_pb2 import CandidateHired
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.payouts.v1.events_pb2 import FundingSecured
from submissions.adapters import wire
from submissions.handlers import EngagementHandlers


def router(settings: KitSettings, engagements: EngagementHandlers) -> EventRouter:
    """The events this service consumes, each to its use case."""
    events = EventRouter()

    @events.handler(settings.topic(topics.APPLICATIONS), CandidateHired)
    async def on_candidate_hired(event: CandidateHired, envelope: Envelope) -> None:
        """Consumes CandidateHired; creates the engagement awaiting funding (once per
        application), and starts it when its funding came first."""
        await engagements.start(wire.hire(event), wire.hire_cause(event, envelope.id), envelope.id)

    @events.handler(settings.topic(topics.PAYOUTS), FundingSecured)
    async def on_funding_secured(event: FundingSecured, envelope: Envelope) -> None:
        """Consumes FundingSecured; emits EngagementStarted (once per engagement)."""
        await engagements.fund(wire.funding(event), wire.funding_cause(event, envelope.id))

    return events
