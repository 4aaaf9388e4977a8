"""Conversations over in-memory stores: who reads and writes, bounds, receipts, paging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from applications.domain.commands import SubmitApplication
from applications.domain.conversation import (
    Artifact,
    ConversationNotFound,
    ConversationReadOnly,
    DisputeState,
    RateLimited,
    conversation_id,
)
from applications.domain.conversation_input import PostMessage
from applications.handlers import Handlers
from stint.applications.v1 import conversation_pb2
from stint.applications.v1 import events_pb2 as ae
from stint.kit.actor import Cause
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.paging import PageRequest
from stint.kit.testing.clock import ManualClock

from .fakes import POSTING, FakeRepository, apply, build, caller, employer, student, view

ADMIN = caller("usr_admin", "admin", "", "req-a")


def say(cid: str, text: str = "hello", *artifacts: Artifact) -> PostMessage:
    return PostMessage(cid, text, tuple(artifacts))


@pytest.fixture
def world() -> tuple[Handlers, FakeRepository, ManualClock]:
    handlers, repo, clock = build()
    repo.postings[POSTING] = view(version=1)
    return handlers, repo, clock


async def thread(handlers: Handlers) -> tuple[str, Cause]:
    me = student("usr_s1")
    app = await apply(handlers, me)
    await handlers.conversations.on_application(app.id)  # ApplicationSubmitted consumed
    return conversation_id(app.id), me


async def test_the_parties_exchange_messages_and_the_other_side_is_told(world: tuple) -> None:
    handlers, repo, _ = world
    cid, me = await thread(handlers)
    conv = await handlers.conversations.load(cid, me.actor)
    assert (conv.posting_title, conv.company_id, conv.student_id) == (
        "Competitor scan", "cmp_1", "usr_s1",
    )  # fmt: skip
    assert conv.message_count == 0
    assert conv.engagement_id == ""

    msg, conv = await handlers.conversations.post(
        say(cid, " Welcome! ", Artifact("brief.pdf", "https://files.example.org/brief.pdf")),
        employer(),
    )
    assert (msg.number, msg.text, msg.author_role) == (1, "Welcome!", "employer")
    assert conv.unread_for(employer().actor) == 0  # the author read what they wrote
    assert (await handlers.conversations.load(cid, me.actor)).unread_for(me.actor) == 1
    reply, _ = await handlers.conversations.post(say(cid, "Thanks"), me)
    assert reply.number == 2

    [first, second] = repo.conversations.outbox
    assert (first.key, first.subject) == (cid, cid)
    event = ae.MessageCreated.FromString(first.data)
    assert event.message.author_role == conversation_pb2.AUTHOR_ROLE_EMPLOYER
    assert event.message.artifacts[0].url == "https://files.example.org/brief.pdf"
    assert event.conversation.message_count == 1
    assert event.conversation.version == 2
    assert event.context.actor.role == "employer"
    assert ae.MessageCreated.FromString(second.data).message.author_subject == "usr_s1"


async def test_only_the_parties_and_admins_see_a_thread(world: tuple) -> None:
    handlers, _, _ = world
    cid, _ = await thread(handlers)
    for outsider in (student("usr_other"), employer("cmp_other")):
        with pytest.raises(ConversationNotFound):
            await handlers.conversations.load(cid, outsider.actor)
        with pytest.raises(ConversationNotFound):
            await handlers.conversations.post(say(cid), outsider)
    with pytest.raises(PermissionDenied):
        await handlers.conversations.load(cid, caller("usr_u", "university", "uni_a").actor)
    assert (await handlers.conversations.load(cid, ADMIN.actor)).id == cid
    # No application, no thread: an employer cannot open one with a student who did not apply.
    with pytest.raises(ConversationNotFound):
        await handlers.conversations.load("cnv_01jd3k0000000000000000000z", employer().actor)


async def test_bounds_are_field_violations(world: tuple) -> None:
    handlers, _, _ = world
    cid, me = await thread(handlers)
    art = Artifact("a", "https://files.example.org/a")
    bad = [
        (say(cid, "  "), "text"),
        (say(cid, "x" * 5001), "text"),
        (say(cid, "ok", *([art] * 11)), "artifacts"),
        (say(cid, "ok", Artifact("a", "http://files.example.org/a")), "artifacts[0].url"),
        (say(cid, "ok", Artifact("", "https://files.example.org/a")), "artifacts[0].name"),
        (say(cid, "ok", Artifact("a", art.url, "ABC")), "artifacts[0].sha256"),
    ]
    for cmd, field in bad:
        with pytest.raises(InvalidArgument) as info:
            await handlers.conversations.post(cmd, me)
        assert field in [v.field for v in info.value.violations]
    ok, _ = await handlers.conversations.post(say(cid, "ok", *([art] * 10)), me)
    assert len(ok.artifacts) == 10


async def test_a_sender_past_the_rate_limit_waits_for_the_window(world: tuple) -> None:
    handlers, _, clock = world
    cid, me = await thread(handlers)
    for _ in range(20):
        await handlers.conversations.post(say(cid), me)
    with pytest.raises(RateLimited):
        await handlers.conversations.post(say(cid), me)
    await handlers.conversations.post(say(cid), employer())  # per sender
    clock.advance(timedelta(seconds=61))
    msg, conv = await handlers.conversations.post(say(cid), me)
    assert msg.number == 22
    assert len(conv.recent) == 1


async def test_a_withdrawn_application_leaves_a_read_only_thread(world: tuple) -> None:
    handlers, _, _ = world
    cid, me = await thread(handlers)
    await handlers.conversations.post(say(cid), me)
    app_id = (await handlers.conversations.load(cid, me.actor)).application_id
    await handlers.applications.withdraw(app_id, me)
    for who in (me, employer()):
        with pytest.raises(ConversationReadOnly):
            await handlers.conversations.post(say(cid), who)
    page, conv = await handlers.conversations.messages(cid, me.actor, False, PageRequest())
    assert [m.number for m in page.items] == [1]
    assert not conv.writable()


async def test_a_thread_takes_its_postings_title_from_the_event_without_reading_it(
    world: tuple,
) -> None:
    handlers, repo, _ = world
    me = student("usr_s1")
    app = await apply(handlers, me)
    del repo.postings[POSTING]  # what the event says is all the thread needs
    await handlers.conversations.on_application(app.id, "Competitor scan, as published")
    assert repo.conversations.docs[conversation_id(app.id)].posting_title == (
        "Competitor scan, as published"
    )


async def test_admins_write_only_while_the_engagement_is_disputed(world: tuple) -> None:
    handlers, repo, _ = world
    cid, me = await thread(handlers)
    app_id = (await handlers.conversations.load(cid, me.actor)).application_id
    await handlers.applications.shortlist(app_id, employer())
    await handlers.hiring.hire(app_id, employer())
    hired = await handlers.hiring.on_candidate_hired(app_id, repo.apps[app_id].created_at)
    await handlers.conversations.follow(hired)  # CandidateHired consumed
    eng = "eng_" + app_id.removeprefix("app_")
    assert repo.conversations.docs[cid].engagement_id == eng
    with pytest.raises(ConversationReadOnly):
        await handlers.conversations.post(say(cid), ADMIN)
    await handlers.conversations.on_dispute(eng, DisputeState.OPEN)
    msg, conv = await handlers.conversations.post(say(cid, "I am looking into it"), ADMIN)
    assert msg.author_role == "admin"
    assert conv.unread_for(me.actor) == 1
    await handlers.conversations.on_dispute(eng, DisputeState.RESOLVED)
    await handlers.conversations.on_dispute(eng, DisputeState.OPEN)  # redelivered: no change
    with pytest.raises(ConversationReadOnly):
        await handlers.conversations.post(say(cid), ADMIN)


async def test_read_receipts_move_forward_only(world: tuple) -> None:
    handlers, _, _ = world
    cid, me = await thread(handlers)
    for _ in range(3):
        await handlers.conversations.post(say(cid), employer())
    conv = await handlers.conversations.mark_read(cid, 2, me.actor)
    assert conv.student_read_through == 2
    assert conv.unread_for(me.actor) == 1
    conv = await handlers.conversations.mark_read(cid, 1, me.actor)
    assert conv.student_read_through == 2
    with pytest.raises(InvalidArgument):
        await handlers.conversations.mark_read(cid, 4, me.actor)
    with pytest.raises(PermissionDenied):
        await handlers.conversations.mark_read(cid, 1, ADMIN.actor)


async def test_messages_page_by_number_both_ways(world: tuple) -> None:
    handlers, _, _ = world
    cid, me = await thread(handlers)
    for i in range(5):
        await handlers.conversations.post(say(cid, f"m{i + 1}"), me)
    numbers, after = [], ""
    while True:
        page, _ = await handlers.conversations.messages(cid, me.actor, False, PageRequest(2, after))
        numbers.append([m.number for m in page.items])
        if not page.next_token:
            break
        after = page.next_token and str(page.items[-1].number)
    assert numbers == [[5, 4], [3, 2], [1]]
    page, _ = await handlers.conversations.messages(cid, me.actor, True, PageRequest(3, "2"))
    assert [m.text for m in page.items] == ["m3", "m4", "m5"]
    assert not page.next_token


async def test_a_message_whose_own_write_was_lost_is_still_read(world: tuple) -> None:
    handlers, repo, _ = world
    cid, me = await thread(handlers)
    repo.conversations.lose_message_writes = True
    await handlers.conversations.post(say(cid, "first"), me)
    repo.conversations.lose_message_writes = False
    page, _ = await handlers.conversations.messages(cid, me.actor, False, PageRequest())
    assert [m.text for m in page.items] == ["first"]
    assert f"{cid}/1" in repo.conversations.messages  # written back


async def test_a_lost_race_is_decided_again(world: tuple) -> None:
    handlers, repo, _ = world
    cid, me = await thread(handlers)
    repo.conversations.conflicts = 1
    msg, conv = await handlers.conversations.post(say(cid), me)
    assert msg.number == 1
    assert conv.version == 2
    assert len(repo.conversations.outbox) == 1


async def test_the_callers_threads_most_recent_first(world: tuple) -> None:
    handlers, _, clock = world
    me = student("usr_s1")
    first = await apply(handlers, me)
    clock.advance(timedelta(minutes=1))
    second_posting = view(id="pst_01jd3k0000000000000000000b", version=1)
    world[1].postings[second_posting.id] = second_posting
    second = await handlers.applications.submit(
        SubmitApplication(second_posting.id, "me too", ()), me
    )
    for app in (first, second):
        await handlers.conversations.on_application(app.id)
    clock.advance(timedelta(minutes=1))
    await handlers.conversations.post(say(conversation_id(first.id)), employer())
    page = await handlers.conversations.list(me.actor, "", "", PageRequest(1))
    assert [c.application_id for c in page.items] == [first.id]
    assert page.next_token
    after = page.items[0].activity_key
    rest = await handlers.conversations.list(me.actor, "", "", PageRequest(1, after))
    assert [c.application_id for c in rest.items] == [second.id]
    mine = await handlers.conversations.list(employer().actor, "", "", PageRequest())
    assert [c.unread_for(employer().actor) for c in mine.items] == [0, 0]
    assert [c.unread_for(me.actor) for c in page.items] == [1]
    with pytest.raises(InvalidArgument):
        await handlers.conversations.list(ADMIN.actor, "", "", PageRequest())
    by_admin = await handlers.conversations.list(ADMIN.actor, "cmp_1", "", PageRequest())
    assert len(by_admin.items) == 2
