"""Use cases of payout accounts: a student registers (or replaces) where their payouts go."""

from __future__ import annotations

from dataclasses import replace

from payouts.domain.access import require_student_or_admin
from payouts.domain.account import PayoutAccount
from payouts.domain.commands import RegisterAccount
from payouts.domain.model import Decision, Payout
from payouts.domain.policy import Policy
from payouts.domain.values import PayoutStatus
from payouts.handlers.writer import PayoutWriter
from stint.kit.actor import Cause

WAITING = {PayoutStatus.ON_HOLD, PayoutStatus.FAILED}


class AccountHandlers:
    def __init__(self, writer: PayoutWriter, policy: Policy, providers: set[str]) -> None:
        self.writer = writer
        self.repo = writer.repo
        self.clock = writer.clock
        self.policy = policy
        self.providers = providers

    async def register_account(self, cause: Cause, cmd: RegisterAccount) -> PayoutAccount:
        """RegisterPayoutAccount: store (or replace) the student's account, then resume their
        held payouts and those that failed for a reason only the student could fix
        (each emits PayoutScheduled)."""
        student_id = require_student_or_admin(cause.actor, cmd.student_id)
        cmd = replace(
            cmd, student_id=student_id, provider=cmd.provider or self.policy.default_provider
        )
        cmd.validate(self.providers)
        now = self.clock.now()
        old = await self.repo.get_account(student_id)
        account = PayoutAccount(
            student_id,
            cmd.provider,
            cmd.destination_token,
            cmd.country,
            cmd.currency,
            created_at=old.created_at if old else now,
            updated_at=now,
            version=old.version if old else 0,
        )
        saved = await self.repo.save_account(account)
        for payout in await self.repo.payouts_of_student(student_id, WAITING):
            await self.writer.change(payout.id, self._resume, cause)
        return saved

    def _resume(self, p: Payout) -> Decision:
        return p.resume(self.clock.now())
