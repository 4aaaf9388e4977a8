"""Protobuf for conversations (the rest of the wire is wire.py and profile_wire.py)."""

from __future__ import annotations

from applications.domain.conversation import Artifact, Conversation, Message, MessageCreated, Role
from applications.domain.conversation_input import PostMessage
from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import conversation_pb2, events_pb2
from stint.kit import wire
from stint.kit.actor import SYSTEM_ACTOR, Actor
from stint.kit.envelope import Envelope, EventFactory

_ROLE = {
    Role.STUDENT: conversation_pb2.AUTHOR_ROLE_STUDENT,
    Role.EMPLOYER: conversation_pb2.AUTHOR_ROLE_EMPLOYER,
    Role.ADMIN: conversation_pb2.AUTHOR_ROLE_ADMIN,
}


def conversation_message(
    c: Conversation, viewer: Actor = SYSTEM_ACTOR
) -> conversation_pb2.Conversation:
    """The conversation as `viewer` sees it (their unread count; none in an event)."""
    return conversation_pb2.Conversation(
        id=c.id,
        application_id=c.application_id,
        posting_id=c.posting_id,
        posting_title=c.posting_title,
        company_id=c.company_id,
        company_name=c.company_name,
        student_id=c.student_id,
        student_name=c.student_name,
        engagement_id=c.engagement_id,
        message_count=c.message_count,
        last_message_at=wire.timestamp(c.last_message_at),
        student_read_through=c.student_read_through,
        company_read_through=c.company_read_through,
        created_at=wire.timestamp(c.created_at),
        updated_at=wire.timestamp(c.updated_at),
        version=c.version,
        unread_count=c.unread_for(viewer),
        writable=c.writable(),
        disputed=c.disputed,
    )


def message_message(m: Message) -> conversation_pb2.ConversationMessage:
    return conversation_pb2.ConversationMessage(
        id=m.id,
        conversation_id=m.conversation_id,
        number=m.number,
        author_subject=m.author_subject,
        author_role=_ROLE[m.author_role],
        text=m.text,
        artifacts=[
            conversation_pb2.ArtifactReference(name=a.name, url=a.url, sha256=a.sha256)
            for a in m.artifacts
        ],
        created_at=wire.timestamp(m.created_at),
    )


def envelope(events: EventFactory, event: MessageCreated) -> Envelope:
    """MessageCreated; subject and key: the conversation id."""
    message = events_pb2.MessageCreated(
        context=wire.event_context(event.cause),
        conversation=conversation_message(event.conversation),
        message=message_message(event.message),
    )
    return events(message, subject=event.conversation.id)


def post_command(req: api.PostConversationMessageRequest) -> PostMessage:
    artifacts = tuple(Artifact(a.name, a.url, a.sha256) for a in req.artifacts)
    return PostMessage(req.conversation_id, req.text, artifacts)
