"""Role sets and query parameters shared by the route tables."""

from __future__ import annotations

from gateway.routing import Query

ANYONE = frozenset({"student", "employer", "university", "admin"})
STUDENT = frozenset({"student"})
EMPLOYER = frozenset({"employer", "admin"})
UNIVERSITY = frozenset({"university", "admin"})
PAGING = (
    Query("page_size", "page.page_size", "int", "1-100, default 20"),
    Query("page_token", "page.page_token", "str", "next_page_token of the previous page"),
)
