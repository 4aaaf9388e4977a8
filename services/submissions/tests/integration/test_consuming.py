"""Consuming hires: pagination over what they create, and a malformed hire in the DLQ."""

from __future__ import annotations

import dataclasses

from stint.applications.v1 import events_pb2 as app_events
from stint.common.v1 import pagination_pb2
from stint.contracts.topics import dlq_topic
from stint.kit.ids import new_id
from stint.kit.runner import ServiceRunner
from stint.kit.testing.kafka import headers_of, wait_for_records
from stint.submissions.v1 import submissions_service_pb2 as api

from .support import Env, consumed, hired_envelope, new_parties, publish, stub_for, wait


async def test_a_company_pages_through_its_engagements(env: Env, service: ServiceRunner) -> None:
    company = new_id("cmp")
    hires = [dataclasses.replace(new_parties(), company=company) for _ in range(3)]
    other = new_parties()
    await publish(env, *[hired_envelope(env, p) for p in [*hires, other]])
    await wait(lambda: consumed(env), lambda n: n >= 4, "four hires handled")

    async with stub_for(service) as stub:
        md = hires[0].employer_md()
        first = await stub.ListEngagements(
            api.ListEngagementsRequest(page=pagination_pb2.PageRequest(page_size=2)), metadata=md
        )
        second = await stub.ListEngagements(
            api.ListEngagementsRequest(
                page=pagination_pb2.PageRequest(page_size=2, page_token=first.page.next_page_token)
            ),
            metadata=md,
        )

    ids = [e.id for e in [*first.engagements, *second.engagements]]
    assert len(first.engagements) == 2
    assert second.page.next_page_token == ""
    assert ids == sorted((p.engagement_id for p in hires), reverse=True)


async def test_a_malformed_hire_goes_to_the_dead_letter_topic(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    envelope = hired_envelope(env, p)
    event = app_events.CandidateHired.FromString(envelope.data)
    event.application.student_id = ""
    broken = dataclasses.replace(envelope, data=event.SerializeToString())
    await publish(env, broken)

    [dead] = await wait_for_records(
        env.bootstrap, env.settings.topic(dlq_topic("submissions")), count=1
    )
    assert headers_of(dead)["ce_id"] == broken.id
    assert headers_of(dead)["dlq_reason"] == "handler_failed"
    assert "application.student_id" in headers_of(dead)["dlq_error"]
