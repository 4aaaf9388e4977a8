"""Conversations through the real service: an employer and an applicant exchange messages,
receipts and unread counts, MessageCreated on the topic, the rate limit, a read-only thread and
an admin writing in a disputed engagement (DisputeOpened consumed from submissions)."""

from __future__ import annotations

import grpc

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2 as ae
from stint.contracts import topics
from stint.kit.grpc import Caller
from stint.kit.ids import new_id
from stint.kit.testing.kafka import read_all
from stint.kit.testing.poll import eventually
from stint.submissions.v1 import dispute_pb2
from stint.submissions.v1 import events_pb2 as se

from .support import Harness, _envelope, employer, student
from .test_hiring_and_closure import of_type, open_posting
from .test_profiles_and_invitations import status_of

ADMIN = Caller("usr_admin", "admin", "", "req-admin")


async def applied(harness: Harness, boss: Caller | None = None) -> tuple[str, Caller, Caller]:
    p = await open_posting(harness)
    me, boss = student(), boss or employer(p.company_id)
    submit = api.SubmitApplicationRequest(posting_id=p.id, pitch="Pick me")
    app = (await harness.call("SubmitApplication", submit, me)).application
    return app.id, me, boss


def post(cid: str, text: str) -> api.PostConversationMessageRequest:
    return api.PostConversationMessageRequest(conversation_id=cid, text=text)


async def test_an_employer_and_an_applicant_exchange_messages(harness: Harness) -> None:
    app_id, me, boss = await applied(harness)

    async def listed() -> list[str]:
        page = await harness.call("ListConversations", api.ListConversationsRequest(), me)
        return [c.application_id for c in page.conversations]

    # The thread exists from the application on (its own ApplicationSubmitted, consumed).
    await eventually(listed, until=lambda ids: ids == [app_id], what="the thread listed")
    get = api.GetApplicationConversationRequest(application_id=app_id)
    conv = (await harness.call("GetApplicationConversation", get, boss)).conversation
    cid = conv.id
    assert cid == "cnv_" + app_id.removeprefix("app_")
    assert conv.posting_title
    assert conv.writable

    sent = await harness.call("PostConversationMessage", post(cid, "Can you start Monday?"), boss)
    assert sent.message.number == 1
    mine = await harness.call("ListConversations", api.ListConversationsRequest(), me)
    assert [(c.id, c.unread_count) for c in mine.conversations] == [(cid, 1)]
    read = api.MarkConversationReadRequest(conversation_id=cid, through=1)
    assert (await harness.call("MarkConversationRead", read, me)).conversation.unread_count == 0
    await harness.call("PostConversationMessage", post(cid, "Yes!"), me)
    page = await harness.call(
        "ListConversationMessages", api.ListConversationMessagesRequest(conversation_id=cid), boss
    )
    assert [m.text for m in page.messages] == ["Yes!", "Can you start Monday?"]
    assert await harness.db["conversation_messages"].find_one({"_id": f"{cid}/2"})

    outsider = employer(new_id("cmp"))
    code = await status_of(harness.call("GetApplicationConversation", get, outsider))
    assert code is grpc.StatusCode.NOT_FOUND

    async def created() -> list[ae.MessageCreated]:
        records = of_type(
            await read_all(harness.bootstrap, harness.applications_topic), ae.MessageCreated
        )
        return [ae.MessageCreated.FromString(r.value) for r in records if r.key == cid.encode()]

    events = await eventually(created, until=lambda e: len(e) == 2, what="two MessageCreated")
    assert [e.message.number for e in events] == [1, 2]
    assert events[0].conversation.company_id == boss.org


async def test_the_rate_limit_and_a_read_only_thread(harness: Harness) -> None:
    app_id, me, boss = await applied(harness)
    cid = "cnv_" + app_id.removeprefix("app_")
    for i in range(20):
        await harness.call("PostConversationMessage", post(cid, f"m{i}"), me)
    code = await status_of(harness.call("PostConversationMessage", post(cid, "again"), me))
    assert code is grpc.StatusCode.RESOURCE_EXHAUSTED
    await harness.call("PostConversationMessage", post(cid, "the employer may"), boss)

    withdraw = api.WithdrawApplicationRequest(application_id=app_id)
    await harness.call("WithdrawApplication", withdraw, me)
    code = await status_of(harness.call("PostConversationMessage", post(cid, "hello?"), boss))
    assert code is grpc.StatusCode.FAILED_PRECONDITION


async def test_an_admin_writes_while_the_engagement_is_disputed(harness: Harness) -> None:
    app_id, me, boss = await applied(harness)
    cid, eng = "cnv_" + app_id[4:], "eng_" + app_id[4:]
    for rpc, req in (
        ("ShortlistApplication", api.ShortlistApplicationRequest(application_id=app_id)),
        ("HireCandidate", api.HireCandidateRequest(application_id=app_id)),
    ):
        await harness.call(rpc, req, boss)
    code = await status_of(harness.call("PostConversationMessage", post(cid, "hi"), ADMIN))
    assert code is grpc.StatusCode.FAILED_PRECONDITION

    prefix = harness.applications_topic.removesuffix(topics.APPLICATIONS)
    dispute = dispute_pb2.Dispute(
        id="dsp_" + app_id[4:], engagement_id=eng, company_id=boss.org, student_id=me.subject
    )
    opened = _envelope(
        se.DisputeOpened(dispute=dispute), prefix + topics.SUBMISSIONS, eng, "/stint/submissions"
    )
    await harness.publish(opened)

    async def conversation() -> dict[str, object] | None:
        return await harness.db["conversations"].find_one({"_id": cid})

    doc = await eventually(
        conversation, until=lambda d: d is not None and d["dispute"] == "open", what="disputed"
    )
    assert doc is not None
    assert doc["engagement_id"] == eng
    sent = await harness.call("PostConversationMessage", post(cid, "Looking into it"), ADMIN)
    assert sent.conversation.disputed
    get = api.GetApplicationConversationRequest(application_id=app_id)
    seen = (await harness.call("GetApplicationConversation", get, me)).conversation
    assert (seen.engagement_id, seen.unread_count) == (eng, 1)
