"""Conversations: one thread per application between the company's staff and the applicant,
continuing into the engagement; admins read any and write while the engagement is disputed."""

from __future__ import annotations

from gateway.routes.applications import APPLICATIONS
from gateway.routes.common import PAGING
from gateway.routing import Answer, Body, Query

TAG = "conversations"
PARTIES = frozenset({"student", "employer"})
READERS = frozenset({"student", "employer", "admin"})

ROUTES = [
    APPLICATIONS.route(
        "GET",
        "/v1/applications/{application_id}/conversation",
        "GetApplicationConversation",
        "The conversation of an application (its student, the company's staff, admins), with "
        "the caller's unread count",
        READERS,
        tag=TAG,
        answer=Answer(field="conversation"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/conversations",
        "ListConversations",
        "The caller's conversations, most recent activity first, with unread counts: a "
        "student's own, an employer's company's; admins name a company or a student",
        READERS,
        tag=TAG,
        query=(
            *PAGING,
            Query("company_id", "company_id", "str", "one company's (admins)"),
            Query("student_id", "student_id", "str", "one student's (admins)"),
        ),
        answer=Answer(list_field="conversations"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/conversations/{conversation_id}/messages",
        "ListConversationMessages",
        "A conversation's messages by number, newest first (or oldest first)",
        READERS,
        tag=TAG,
        query=(*PAGING, Query("oldest_first", "oldest_first", "bool", "oldest first")),
        answer=Answer(list_field="messages"),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/conversations/{conversation_id}/messages",
        "PostConversationMessage",
        "Write in the conversation (text ≤ 5000 characters, ≤ 10 artifact references; admins "
        "only while the engagement is disputed); 409 when read-only, 429 past the rate limit",
        READERS,
        tag=TAG,
        body=Body(),
        answer=Answer(status=201),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/conversations/{conversation_id}/read",
        "MarkConversationRead",
        "A read receipt: the caller's side has read up to message `through`",
        PARTIES,
        tag=TAG,
        body=Body(),
        answer=Answer(field="conversation"),
    ),
]
