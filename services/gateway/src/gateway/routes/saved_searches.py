"""/v1/me/saved-searches: a student's saved searches; new matching postings alert them."""

from __future__ import annotations

from gateway.routes.common import PAGING, STUDENT
from gateway.routes.postings import POSTINGS
from gateway.routing import Answer, Body

TAG = "saved-searches"
ONE = "/v1/me/saved-searches/{saved_search_id}"

ROUTES = [
    POSTINGS.route(
        "POST",
        "/v1/me/saved-searches",
        "CreateSavedSearch",
        "Save a search (at most 20; at least one skill or a category): postings that open "
        "and match it alert the student (inbox, and e-mail by preference)",
        STUDENT,
        tag=TAG,
        body=Body("saved_search"),
        answer=Answer(status=201, field="saved_search", location="/v1/me/saved-searches/{id}"),
    ),
    POSTINGS.route(
        "GET",
        "/v1/me/saved-searches",
        "ListSavedSearches",
        "The calling student's saved searches, newest first",
        STUDENT,
        tag=TAG,
        query=PAGING,
        answer=Answer(list_field="saved_searches"),
    ),
    POSTINGS.route(
        "GET",
        ONE,
        "GetSavedSearch",
        "One of the calling student's saved searches",
        STUDENT,
        tag=TAG,
        answer=Answer(field="saved_search"),
    ),
    POSTINGS.route(
        "DELETE",
        ONE,
        "DeleteSavedSearch",
        "Delete a saved search: it alerts no more",
        STUDENT,
        tag=TAG,
        answer=Answer(status=204),
    ),
]
