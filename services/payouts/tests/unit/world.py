"""An in-memory payouts service for tests: the real handlers (timers included) and sandbox
provider over `MemoryRepository` and a `ManualClock`, with the timers fired by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from payouts.adapters import invoice_pdf
from payouts.adapters.sandbox import SandboxProvider
from payouts.adapters.sandbox_charges import SandboxCharges
from payouts.domain.commands import ApprovedEngagement, RegisterAccount, SetFundingMethod
from payouts.domain.funding import Funding
from payouts.domain.hire import HiredEngagement
from payouts.domain.model import Payout
from payouts.domain.policy import Policy
from payouts.handlers import Handlers
from stint.kit.actor import ADMIN as ADMIN_ROLE
from stint.kit.actor import EMPLOYER, STUDENT, Actor, Cause
from stint.kit.ids import new_id
from stint.kit.money import Money
from stint.kit.testing.clock import ManualClock

from .fakes import MemoryRepository, MemorySandboxStore, event_factory
from .funding_fakes import MemoryFundingStore
from .invoice_fakes import MemoryInvoiceStore
from .sponsorship_fakes import MemorySponsorships

TEST_POLICY = Policy(
    poll_interval=timedelta(seconds=5),
    retry_base=timedelta(seconds=30),
    return_watch=timedelta(minutes=10),
    ledger_repair_delay=timedelta(seconds=30),
)
# The callers as the entrypoints hand them over: a Cause (its actor, the request id).
ADMIN = Cause(Actor("usr_admin", ADMIN_ROLE), "req_admin")


def student(student_id: str) -> Cause:
    return Cause(Actor(student_id, STUDENT), "req_" + student_id)


def employer(company_id: str, user: str = "usr_e1") -> Cause:
    return Cause(Actor(user, EMPLOYER, company_id), "req_" + user)


@dataclass
class World:
    policy: Policy = TEST_POLICY
    settle_seconds: float = 2.0
    return_seconds: float = 60.0
    clock: ManualClock = field(
        default_factory=lambda: ManualClock(datetime(2026, 3, 1, tzinfo=UTC))
    )

    def __post_init__(self) -> None:
        self.repo = MemoryRepository(event_factory(self.clock))
        self.sandbox = SandboxProvider(
            MemorySandboxStore(),
            self.clock,
            settle_seconds=self.settle_seconds,
            return_seconds=self.return_seconds,
        )
        providers = {self.sandbox.name: self.sandbox}
        self.fundings = MemoryFundingStore(self.repo.events, self.repo.published)
        self.charges = SandboxCharges(MemorySandboxStore(), self.clock)
        self.invoices = MemoryInvoiceStore(self.repo.events, self.repo.published)
        self.sponsorships = MemorySponsorships()
        self.handlers = Handlers.build(
            self.repo,
            self.clock,
            self.policy,
            providers,
            self.fundings,
            {self.charges.name: self.charges},
            self.invoices,
            invoice_pdf.document,
            self.sponsorships,
        )
        self.processor = self.handlers.processing
        self.views = self.handlers.views

    async def approve(
        self,
        engagement_id: str,
        student_id: str = "usr_s1",
        fee: int = 10_000,
        company_id: str = "cmp_c1",
    ) -> Payout | None:
        cmd = ApprovedEngagement(
            engagement_id, company_id, student_id, "Market scan", Money(fee, "USD")
        )
        cause = Cause.system(correlation_id=f"corr-{engagement_id}", causation_id=new_id("evt"))
        return await self.handlers.payouts.on_submission_approved(cmd, cause)

    async def hire(
        self,
        engagement_id: str,
        student_id: str = "usr_s1",
        fee: int = 10_000,
        company_id: str = "cmp_c1",
        currency: str = "USD",
        university_id: str = "",
    ) -> Funding | None:
        hire = HiredEngagement(
            engagement_id,
            "app_" + engagement_id.split("_", 1)[1],
            company_id,
            student_id,
            "Market scan",
            Money(fee, currency),
            university_id=university_id,
            posting_id="pst_1",
        )
        cause = Cause.system(correlation_id=f"corr-{engagement_id}", causation_id=new_id("evt"))
        return await self.handlers.funding.on_candidate_hired(hire, cause)

    async def set_method(
        self, company_id: str = "cmp_c1", token: str = "tok_card_4242", currency: str = "USD"
    ) -> None:
        cmd = SetFundingMethod("", "CARD", "", token, currency)
        await self.handlers.funding.set_method(employer(company_id), cmd)

    async def approve_funded(self, engagement_id: str, **kw: Any) -> Payout | None:
        """What the SubmissionApproved consumer does: the payout, then the escrow release."""
        payout = await self.approve(engagement_id, **kw)
        await self.handlers.funding.on_submission_approved(engagement_id, Cause.system())
        return payout

    async def cancel(self, engagement_id: str, reason: str = "no longer needed") -> None:
        """What the EngagementCancelled consumer does."""
        cause = Cause.system(causation_id=new_id("evt"))
        await self.handlers.payouts.on_engagement_cancelled(engagement_id, reason, cause)
        await self.handlers.funding.on_engagement_cancelled(engagement_id, reason, cause)

    def engagement(
        self, engagement_id: str, company_id: str = "cmp_c1", fee: int = 10_000
    ) -> ApprovedEngagement:
        return ApprovedEngagement(
            engagement_id, company_id, "usr_s1", "Market scan", Money(fee, "USD")
        )

    async def kill(
        self, engagement_id: str, kill_fee: int, company_id: str = "cmp_c1", fee: int = 10_000
    ) -> None:
        """What the EngagementCancelled consumer does when it carries a kill fee."""
        cause = Cause.system(causation_id=new_id("evt"))
        await self.handlers.settlements.on_engagement_cancelled(
            self.engagement(engagement_id, company_id, fee),
            "stopped",
            cause,
            Money(kill_fee, "USD"),
        )

    async def resolve(
        self, engagement_id: str, released: int, company_id: str = "cmp_c1", fee: int = 10_000
    ) -> None:
        """What the DisputeResolved consumer does."""
        cause = Cause.system(causation_id=new_id("evt"))
        await self.handlers.settlements.on_dispute_resolved(
            self.engagement(engagement_id, company_id, fee),
            Money(released, "USD"),
            "decided",
            cause,
        )

    def funding(self, engagement_id: str) -> Funding:
        return self.fundings.fundings["fnd_" + engagement_id.split("_", 1)[1]]

    async def register(
        self, student_id: str, token: str = "tok_good_1234", currency: str = "USD"
    ) -> None:
        cmd = RegisterAccount("", "", token, "US" if currency == "USD" else "DE", currency)
        await self.handlers.accounts.register_account(student(student_id), cmd)

    async def fire_timers(self) -> int:
        """One pass of every due timer, like the TimerWorker (claim = skip the lease)."""
        fired = 0
        now = self.clock.now()
        for f in list(self.fundings.fundings.values()):
            if f.charge_due_at is not None and f.charge_due_at <= now:
                await self.handlers.funding.charger.repair_due(f.id)
                fired += 1
            current_f = self.fundings.fundings[f.id]
            if current_f.ledger_due_at is not None and current_f.ledger_due_at <= now:
                await self.handlers.funding.repair_ledger(f.id)
                fired += 1
        for p in list(self.repo.payouts.values()):
            if p.ledger_due_at is not None and p.ledger_due_at <= now:
                await self.processor.repair_ledger(p.id)
                fired += 1
            current = self.repo.payouts[p.id]
            if current.next_attempt_at is not None and current.next_attempt_at <= now:
                await self.processor.submit_due(p.id)
                fired += 1
            current = self.repo.payouts[p.id]
            if current.next_poll_at is not None and current.next_poll_at <= now:
                await self.processor.poll_due(p.id)
                fired += 1
        return fired

    async def run_for(self, duration: timedelta, step: timedelta = timedelta(seconds=5)) -> None:
        """Advance the clock in steps, firing due timers at each."""
        end = self.clock.now() + duration
        while self.clock.now() < end:
            await self.fire_timers()
            self.clock.advance(step)
        await self.fire_timers()

    def payout(self, engagement_id: str) -> Payout:
        return self.repo.payouts["pay_" + engagement_id.split("_", 1)[1]]

    def event_types(self, payout_id: str) -> list[str]:
        return [e.type.rsplit(".", 1)[1] for e in self.repo.published if e.subject == payout_id]
