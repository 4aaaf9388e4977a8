"""Use cases of the in-app inbox and the notification preferences."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime

from notifications.domain import access, inbox
from notifications.domain.email import address_problem, compose
from notifications.domain.inbox import Channel, InboxEvent, Notification
from notifications.domain.policy import message_id
from notifications.handlers.ports import InboxRepository
from stint.kit.actor import Actor
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import AlreadyExists, FieldViolation, InvalidArgument
from stint.kit.ids import is_id
from stint.kit.paging import Page, PageRequest

MAX_IDS = 100


def created_at(event_time: datetime) -> datetime:
    """A notification's creation time: its event's time, to the millisecond, which is also
    the time its id starts with (`message_id`). So the inbox, listed newest first by id (an
    indexed equality on the recipient, a cursor on the id), is in creation-time order and
    agrees with the times it shows, ties broken by id; a redelivered event makes the same
    notification. (It used to be the time it was consumed, so a late or replayed event was
    listed by its event time but showed a later one.)"""
    ms = int(event_time.timestamp() * 1000)
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


class Inbox:
    def __init__(
        self, repo: InboxRepository, clock: Clock, inbox_url: str = "", email: bool = False
    ) -> None:
        self.repo = repo
        self._clock = clock
        self._inbox_url = inbox_url
        self._email = email  # whether an SMTP server is configured

    async def on_event(self, event: InboxEvent) -> int:
        """Consumes any domain event with an inbox rule; adds one notification per recipient
        whose channel for the kind is not off, and queues an e-mail (sent by a timer, so the
        inbox never waits for SMTP) when the channel is e-mail and an address is known.
        Deterministic ids (event id, recipient): a redelivered event adds nothing. Emits
        nothing. Returns how many notifications were new."""
        title, body = inbox.text(event) if event.kind in inbox.RULES else ("", "")
        chosen_for: list[tuple[Notification, Channel, str]] = []
        for recipient in inbox.recipients(event):
            chosen, address, _ = await self.repo.preferences(recipient, cached=True)
            channel = inbox.effective(chosen)[event.kind]
            if channel is Channel.OFF:
                continue
            ntf_id = "ntf_" + message_id(event.event_id, recipient, event.time)[4:]
            n = Notification(
                ntf_id, recipient, event.kind, title, body, event.subject_id, event.event_id,
                created_at(event.time),
            )  # fmt: skip
            chosen_for.append((n, channel, address))
        added = await self.repo.add_all([n for n, _, _ in chosen_for])
        for n, channel, address in chosen_for:
            if channel is Channel.EMAIL and address and self._email:
                # Queued even when the notification existed: the first try may have crashed
                # between the two inserts.
                with suppress(AlreadyExists):
                    now = self._clock.now()
                    await self.repo.add_email(compose(n, address, self._inbox_url, now))
        return added

    async def list(
        self, actor: Actor, unread_only: bool, request: PageRequest
    ) -> tuple[Page[Notification], int]:
        """ListNotifications: the actor's inbox, newest first, and its unread count."""
        recipient = access.inbox_of(actor)
        found = await self.repo.page(recipient, unread_only, request)
        return found, await self.repo.unread(recipient)

    async def mark_read(
        self, actor: Actor, ids: Sequence[str], everything: bool
    ) -> tuple[int, int]:
        """MarkNotificationsRead: the given ids (others' ids are silently not the actor's),
        or all; returns (newly read, still unread)."""
        recipient = access.inbox_of(actor)
        if everything == bool(ids) or len(ids) > MAX_IDS:
            problem = f"give 1..{MAX_IDS} ids or all, not both"
            raise InvalidArgument(problem, [FieldViolation("notification_ids", problem)])
        bad = [
            FieldViolation(f"notification_ids[{i}]", "not a notification id")
            for i, n in enumerate(ids)
            if not is_id(n, "ntf")
        ]
        if bad:
            raise InvalidArgument("invalid notification ids", bad)
        marked = await self.repo.mark_read(
            recipient, None if everything else list(ids), self._clock.now()
        )
        return marked, await self.repo.unread(recipient)

    async def preferences(self, actor: Actor) -> tuple[dict[str, Channel], str]:
        """GetPreferences: every kind with its effective channel."""
        recipient = access.inbox_of(actor)
        chosen, address, _ = await self.repo.preferences(recipient)
        return inbox.effective(chosen), address

    async def set_preferences(
        self, actor: Actor, changes: Sequence[tuple[str, Channel | None]], email: str | None
    ) -> tuple[dict[str, Channel], str]:
        """SetPreferences: change the named kinds (and the address when given); every bad
        entry is reported at once. Two tabs saving at once: the later reloads and applies
        its changes again."""
        recipient = access.inbox_of(actor)
        violations = [
            FieldViolation(
                f"preferences[{i}]",
                f"unknown kind {kind!r}" if kind not in inbox.RULES else "channel required",
            )
            for i, (kind, channel) in enumerate(changes)
            if kind not in inbox.RULES or channel is None
        ]
        if email is not None and address_problem(email):
            violations.append(FieldViolation("email", address_problem(email)))
        if violations:
            raise InvalidArgument("invalid preferences", violations)

        async def apply() -> tuple[dict[str, Channel], str]:
            chosen, address, version = await self.repo.preferences(recipient)
            chosen.update({kind: str(channel) for kind, channel in changes})
            address = address if email is None else email
            await self.repo.save_preferences(recipient, chosen, address, version)
            return inbox.effective(chosen), address

        return await retry_on_conflict(apply)
