"""ListPostings' free text: every word in the title, summary or description, as escaped
case-insensitive patterns (the same filter on FerretDB and MongoDB)."""

from __future__ import annotations

import re

from postings.adapters.repository import _query_filter
from postings.domain.commands import ListQuery


def test_each_word_may_be_in_title_summary_or_description() -> None:
    found = _query_filter(ListQuery(words=("python", "a.b")))
    assert found == [
        {
            "$or": [
                {field: {"$regex": re.escape(word), "$options": "i"}}
                for field in ("title", "summary", "description")
            ]
        }
        for word in ("python", "a.b")
    ]
