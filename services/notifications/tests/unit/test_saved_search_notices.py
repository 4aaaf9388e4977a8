"""A saved-search alert is personal: the student's inbox (e-mail by default), never a webhook
of the company its posting names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from notifications.adapters.catalogue import CATALOGUE, INBOX_ONLY, TYPE_NAMES
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import RULES, Channel, recipients, text
from notifications.entrypoints.kafka import router
from stint.contracts import topics
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.postings.v1.posting_pb2 import Posting
from stint.postings.v1.saved_search_pb2 import SavedSearchMatched

T = datetime(2026, 3, 1, tzinfo=UTC)
TYPE = "stint.postings.v1.SavedSearchMatched"


def matched() -> SavedSearchMatched:
    posting = Posting(id="pst_1", company_id="cmp_1", title="Churn analysis")
    return SavedSearchMatched(
        saved_search_id="srch_1", student_id="usr_1", posting=posting, matched_skills=["sql"]
    )


def envelope() -> Envelope:
    return Envelope("evt_1", TYPE, "/stint/postings", "srch_1", T, "topic", "srch_1", b"")


def test_the_student_is_told_naming_the_posting() -> None:
    got = inbox_event("saved_search.matched", matched(), envelope())
    assert recipients(got) == ["student:usr_1"]  # the company the posting names is not
    assert "“Churn analysis”" in text(got)[1]
    assert got.subject_id == "pst_1"
    assert RULES["saved_search.matched"].default is Channel.EMAIL


def test_it_is_no_webhook_type() -> None:
    assert "saved_search.matched" not in TYPE_NAMES
    assert all(kind.name != "saved_search.matched" for kind in CATALOGUE)
    assert [kind.name for kind in INBOX_ONLY] == ["saved_search.matched"]


class Recorder:
    def __init__(self) -> None:
        self.inbox: list[Any] = []
        self.fanned: list[Any] = []

    async def on_event(self, event: Any) -> None:
        self.inbox.append(event)

    async def fan_out(self, *args: Any) -> None:
        self.fanned.append(args)


async def test_the_consumer_fills_the_inbox_and_queues_no_webhook() -> None:
    settings = KitSettings(service_name="notifications")
    recorder = Recorder()
    routes = router(settings, recorder, recorder)  # type: ignore[arg-type]
    route = routes.route(settings.topic(topics.POSTINGS), TYPE)
    assert route is not None
    await route.handler(matched(), envelope())
    assert [e.kind for e in recorder.inbox] == ["saved_search.matched"]
    assert recorder.fanned == []
