"""The conversation and message documents round-trip, and the list key orders by activity."""

from __future__ import annotations

from datetime import timedelta

from applications.adapters import conversation_repository as repo
from applications.domain.conversation import (
    Artifact,
    Conversation,
    DisputeState,
    Message,
    Post,
    Role,
)

from .fakes import NOW


def conversation(**fields: object) -> Conversation:
    c = Conversation(
        "cnv_01jd3k0000000000000000000a", "app_01jd3k0000000000000000000a", "pst_1", "Scan",
        "cmp_1", "Acme", "usr_1", "Ada", NOW, NOW,
    )  # fmt: skip
    for name, value in fields.items():
        setattr(c, name, value)
    return c


def test_documents_round_trip() -> None:
    msg = Message(
        "cvm_1", "cnv_01jd3k0000000000000000000a", 3, "usr_1", Role.STUDENT, "hi",
        (Artifact("a.pdf", "https://x.example.org/a.pdf", "0" * 64),), NOW,
    )  # fmt: skip
    c = conversation(
        message_count=3, last_message_at=NOW, student_read_through=3, company_read_through=1,
        read_only=True, dispute=DisputeState.OPEN, recent=(Post("usr_1", NOW),), latest=msg,
        engagement_id="eng_01jd3k0000000000000000000a",
    )  # fmt: skip
    doc = repo._conversation_doc(c) | {"version": 4}
    back = repo._conversation(doc)
    assert back == conversation(**{**c.__dict__, "version": 4})
    assert repo._message(repo._message_doc(msg)) == msg
    assert repo._message_doc(msg)["_id"] == "cnv_01jd3k0000000000000000000a/3"


def test_the_list_key_orders_by_the_last_activity() -> None:
    older = conversation(last_message_at=NOW)
    newer = conversation(id="cnv_01jd3k0000000000000000000b", created_at=NOW - timedelta(days=1))
    newer.last_message_at = NOW + timedelta(milliseconds=1)
    assert newer.activity_key > older.activity_key
    assert conversation().activity_key.endswith("/cnv_01jd3k0000000000000000000a")
