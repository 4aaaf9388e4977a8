"""The hand-written topic contract: names, keys and dead-letter topics."""

from __future__ import annotations

import pytest

from stint.contracts import topics


def test_domain_topics_follow_the_naming_rule() -> None:
    names = [t.name for t in topics.DOMAIN_TOPICS]
    assert names == [
        "stint.postings.v1",
        "stint.applications.v1",
        "stint.submissions.v1",
        "stint.payouts.v1",
        "stint.notifications.v1",
    ]
    assert all(t.partitions >= 1 and t.key for t in topics.DOMAIN_TOPICS)


def test_every_service_has_a_dead_letter_topic() -> None:
    names = {t.name for t in topics.all_topics()}
    for service in topics.SERVICES:
        assert topics.dlq_topic(service) in names
    assert len(names) == len(topics.all_topics()), "topic names must be unique"


@pytest.mark.parametrize("bad", ["", "two words", "../x", "stint.payouts"])
def test_dlq_topic_refuses_names_that_are_not_services(bad: str) -> None:
    with pytest.raises(ValueError, match="service name"):
        topics.dlq_topic(bad)
