"""An in-memory payouts service for tests: the real handlers, processor and sandbox provider
over `MemoryRepository` and a `ManualClock`, with the timers fired by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from payouts.adapters.memory import MemoryRepository
from payouts.adapters.sandbox import MemorySandboxStore, SandboxProvider
from payouts.domain.commands import ApprovedEngagement, RegisterAccount
from payouts.domain.events import Cause
from payouts.domain.model import Money, Payout
from payouts.domain.policy import Policy
from payouts.handlers import Handlers
from payouts.processing import Processor
from payouts.queries import Queries
from payouts.writer import PayoutWriter
from stint.kit.envelope import EventFactory
from stint.kit.grpc import Caller
from stint.kit.ids import new_id
from stint.kit.testing.clock import ManualClock

TEST_POLICY = Policy(
    poll_interval=timedelta(seconds=5),
    retry_base=timedelta(seconds=30),
    return_watch=timedelta(minutes=10),
    ledger_repair_delay=timedelta(seconds=30),
)
ADMIN = Caller("usr_admin", "admin", "", "req_admin")


def student(student_id: str) -> Caller:
    return Caller(student_id, "student", "", "req_" + student_id)


@dataclass
class World:
    policy: Policy = TEST_POLICY
    settle_seconds: float = 2.0
    return_seconds: float = 60.0
    clock: ManualClock = field(
        default_factory=lambda: ManualClock(datetime(2026, 3, 1, tzinfo=UTC))
    )
    repo: MemoryRepository = field(default_factory=MemoryRepository)

    def __post_init__(self) -> None:
        self.sandbox = SandboxProvider(
            MemorySandboxStore(),
            self.clock,
            settle_seconds=self.settle_seconds,
            return_seconds=self.return_seconds,
        )
        events = EventFactory(source="/stint/payouts", topic="stint.payouts.v1", clock=self.clock)
        self.writer = PayoutWriter(self.repo, events, self.clock)
        self.handlers = Handlers(self.writer, self.policy, {self.sandbox.name})
        self.processor = Processor(self.writer, self.policy, {self.sandbox.name: self.sandbox})
        self.queries = Queries(self.repo, self.policy)

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
        cause = Cause(correlation_id=f"corr-{engagement_id}", causation_id=new_id("evt"))
        return await self.handlers.on_submission_approved(cmd, cause)

    async def register(self, student_id: str, token: str = "tok_good_1234") -> None:  # noqa: S107
        cmd = RegisterAccount("", "", token, "US", "USD")
        await self.handlers.register_account(student(student_id), cmd)

    async def fire_timers(self) -> int:
        """One pass of every due timer, like the TimerWorker (claim = skip the lease)."""
        fired = 0
        now = self.clock.now()
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
