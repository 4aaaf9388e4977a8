"""Use cases of the in-app inbox and the notification preferences."""

from __future__ import annotations

from collections.abc import Sequence

from notifications.adapters.inbox_repository import InboxRepository
from notifications.adapters.repository import page_bounds
from notifications.domain import inbox
from notifications.domain.inbox import Channel, InboxEvent, Notification
from notifications.domain.policy import message_id
from stint.kit.clock import Clock
from stint.kit.errors import ConcurrencyConflict, FieldViolation, InvalidArgument
from stint.kit.grpc import Caller

MAX_IDS = 100


class Inbox:
    def __init__(self, repo: InboxRepository, clock: Clock) -> None:
        self.repo = repo
        self._clock = clock

    async def on_event(self, event: InboxEvent) -> int:
        """Consumes any domain event with an inbox rule; adds one notification per recipient
        whose channel for the kind is not off. Deterministic ids (event id, recipient): a
        redelivered event adds nothing. Emits nothing. Returns how many were new."""
        added = 0
        title, body = inbox.text(event) if event.kind in inbox.RULES else ("", "")
        for recipient in inbox.recipients(event):
            chosen, _ = await self.repo.preferences(recipient)
            if inbox.effective(chosen)[event.kind] is Channel.OFF:
                continue
            ntf_id = "ntf_" + message_id(event.event_id, recipient, event.time)[4:]
            n = Notification(
                ntf_id, recipient, event.kind, title, body, event.subject_id, event.event_id,
                self._clock.now(),
            )  # fmt: skip
            added += await self.repo.add(n)
        return added

    async def list(
        self, caller: Caller, unread_only: bool, page_size: int, page_token: str
    ) -> tuple[list[Notification], int, str]:
        """ListNotifications: the caller's inbox, newest first, and its unread count."""
        recipient = inbox.inbox_of(caller.role, caller.subject, caller.org)
        size, after = page_bounds(page_size, page_token)
        found, token = await self.repo.page(recipient, unread_only, size, after)
        return found, await self.repo.unread(recipient), token

    async def mark_read(
        self, caller: Caller, ids: Sequence[str], everything: bool
    ) -> tuple[int, int]:
        """MarkNotificationsRead: the given ids (others' ids are silently not the caller's),
        or all; returns (newly read, still unread)."""
        recipient = inbox.inbox_of(caller.role, caller.subject, caller.org)
        if everything == bool(ids) or len(ids) > MAX_IDS:
            problem = f"give 1..{MAX_IDS} ids or all, not both"
            raise InvalidArgument(problem, [FieldViolation("notification_ids", problem)])
        marked = await self.repo.mark_read(
            recipient, None if everything else list(ids), self._clock.now()
        )
        return marked, await self.repo.unread(recipient)

    async def preferences(self, caller: Caller) -> dict[str, Channel]:
        """GetPreferences: every kind with its effective channel."""
        recipient = inbox.inbox_of(caller.role, caller.subject, caller.org)
        chosen, _ = await self.repo.preferences(recipient)
        return inbox.effective(chosen)

    async def set_preferences(
        self, caller: Caller, changes: Sequence[tuple[str, Channel | None]]
    ) -> dict[str, Channel]:
        """SetPreferences: change the named kinds; every bad entry is reported at once."""
        recipient = inbox.inbox_of(caller.role, caller.subject, caller.org)
        violations = [
            FieldViolation(
                f"preferences[{i}]",
                f"unknown kind {kind!r}" if kind not in inbox.RULES else "channel required",
            )
            for i, (kind, channel) in enumerate(changes)
            if kind not in inbox.RULES or channel is None
        ]
        if violations:
            raise InvalidArgument("invalid preferences", violations)
        for _ in range(3):  # two tabs saving at once: reload and apply again
            chosen, version = await self.repo.preferences(recipient)
            chosen.update({kind: str(channel) for kind, channel in changes})
            try:
                await self.repo.save_preferences(recipient, chosen, version)
                return inbox.effective(chosen)
            except ConcurrencyConflict:
                continue
        raise ConcurrencyConflict("preferences changed concurrently; try again")
