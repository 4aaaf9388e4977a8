"""Role sets and query parameters shared by the route tables."""

from __future__ import annotations

from gateway.routing import Prepare, Prepared, Query

ANYONE = frozenset({"student", "employer", "university", "admin"})
STUDENT = frozenset({"student"})
EMPLOYER = frozenset({"employer", "admin"})
UNIVERSITY = frozenset({"university", "admin"})
PAGING = (
    Query("page_size", "page.page_size", "int", "1-100, default 20"),
    Query(
        "page_token",
        "page.page_token",
        "str",
        "the `next_page_token` of the previous page, as it was (opaque; any other value is a 422)",
    ),
)


def own(**field_by_role: str) -> Prepare:
    """For `/me/...` lists: fill the request field that scopes them to the caller, per role
    (the subject for students, the org for employers and universities)."""

    def prepare(r: Prepared) -> None:
        p = r.principal
        if p is None or p.role not in field_by_role:
            return
        setattr(r.message, field_by_role[p.role], p.subject if p.role == "student" else p.org)

    return prepare
