"""Use case of the e-mail channel: one SMTP attempt for a queued e-mail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from notifications.domain.email import Email
from notifications.domain.model import Status
from notifications.handlers.ports import EmailRepository, Send
from notifications.metrics import EMAILS
from stint.kit.clock import Clock


class Mail:
    def __init__(
        self, repo: EmailRepository, send: Send, delays: tuple[float, ...], clock: Clock
    ) -> None:
        self._repo = repo
        self._send = send
        self._delays = delays
        self._clock = clock

    async def attempt(self, e: Email) -> None:
        """Timer `email-delivery`: send a due e-mail; on failure retry after the next delay
        of the schedule, or give up when it ran out. Emits nothing."""
        error = ""
        try:
            await self._send(e.to, e.subject, e.body, e.id)
        except Exception as exc:  # any SMTP/transport failure is retried on the schedule
            error = f"{type(exc).__name__}: {exc}"[:500]
        now, made = self._clock.now(), e.attempts + 1
        if not error:
            EMAILS.labels("sent").inc()
            await self._repo.save_email(
                replace(e, status=Status.SUCCEEDED, attempts=made, next_attempt_at=None)
            )
            return
        later = now + timedelta(seconds=self._delays[made]) if made < len(self._delays) else None
        EMAILS.labels("retrying" if later else "failed").inc()
        status = Status.PENDING if later else Status.FAILED
        await self._repo.save_email(
            replace(e, status=status, attempts=made, next_attempt_at=later, last_error=error)
        )
