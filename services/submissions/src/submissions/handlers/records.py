"""Use cases of the verifiable experience record: issue (sign), verify, publish the keys."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from submissions import metrics
from submissions.domain import access, record
from submissions.domain import events as ev
from submissions.domain.record import Verification
from submissions.domain.validation import Violations
from submissions.handlers.ports import EngagementStore, RecordSigner
from submissions.handlers.views import visible


@dataclass(frozen=True)
class IssuedRecord:
    jws: str
    claims: dict[str, Any]
    resume_line: str
    key_id: str


class ExperienceRecords:
    def __init__(self, repo: EngagementStore, clock: Clock, signer: RecordSigner) -> None:
        self._repo = repo
        self._clock = clock
        self._signer = signer

    async def issue(self, engagement_id: str, cause: Cause) -> IssuedRecord:
        """GetExperienceRecord by the student (or an admin) of a completed engagement. Signs
        a new record the first time, and again once the ratings are revealed, the key has
        changed or the stored record is in the claims' old spelling (`record.current`); emits
        ExperienceRecordIssued for each record signed. Otherwise returns the stored record
        unchanged."""
        actor = cause.actor
        e = await visible(self._repo, Violations(), engagement_id, actor)
        if not actor.is_admin:
            access.check_student(e, actor)
        kid = self._signer.kid
        if record.is_current(e) and e.record is not None:
            stored = self._signer.verify(e.record.jws)
            signed = stored.claims
            if stored.valid and signed and stored.kid == kid and record.spelled_currently(signed):
                return self._view(e.record.jws, signed)
        now = self._clock.now()
        claims = record.payload(e, now)
        jws = self._signer.sign(record.canonical(claims))
        record.remember(e, jws, kid, now)
        issued = ev.ExperienceRecordIssued(e.id, e.student_id, e.company_id, kid, now)
        await self._repo.save(e, [issued], cause)
        metrics.RECORDS_ISSUED.inc()
        return self._view(jws, claims)

    def verify(self, jws: str) -> Verification:
        """VerifyExperienceRecord: signature check against the published keys, offline. The
        claims come back in today's spelling, also those of a record signed before it."""
        result = self._signer.verify(jws)
        if result.valid and not (result.claims and record.is_record(result.claims)):
            result = Verification(False, "invalid_payload", result.kid)
        elif result.valid and result.claims:
            result = replace(result, claims=record.current(result.claims))
        metrics.RECORD_VERIFICATIONS.labels(result.reason).inc()
        return result

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """GetJwks: the public keys records are verified with."""
        return self._signer.jwks()

    def _view(self, jws: str, claims: dict[str, Any]) -> IssuedRecord:
        return IssuedRecord(jws, claims, record.resume_line(claims), self._signer.kid)
