"""Use cases of the verifiable experience record: issue (sign), verify, publish the keys."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from stint.kit.clock import Clock
from submissions import metrics
from submissions.adapters.signing import KeyRing, Verification, verify
from submissions.domain import access, record, validation
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain.validation import Violations
from submissions.ports import EngagementStore


@dataclass(frozen=True)
class IssuedRecord:
    jws: str
    claims: dict[str, Any]
    resume_line: str
    key_id: str


class ExperienceRecords:
    def __init__(self, repo: EngagementStore, clock: Clock, keys: KeyRing) -> None:
        self._repo = repo
        self._clock = clock
        self._keys = keys

    async def issue(self, engagement_id: str, ctx: cmd.Context) -> IssuedRecord:
        """GetExperienceRecord by the student (or an admin) of a completed engagement. Signs
        a new record the first time, and again once the ratings are revealed or the key has
        changed; emits ExperienceRecordIssued for each record signed. Otherwise returns the
        stored record unchanged."""
        v = Violations()
        access.require_identity(ctx.actor)
        validation.engagement_id(v, engagement_id)
        v.raise_if_any()
        found = await self._repo.get(engagement_id)
        e = access.check_visible(found, engagement_id, ctx.actor)
        if not ctx.actor.is_admin:
            access.check_student(e, ctx.actor)
        if record.is_current(e) and e.record is not None:
            stored = verify(e.record.jws, self.jwks())
            if stored.valid and stored.claims is not None and stored.kid == self._keys.kid:
                return self._view(e.record.jws, stored.claims)
        now = self._clock.now()
        claims = record.payload(e, now)
        jws = self._keys.sign(record.canonical(claims))
        record.remember(e, jws, self._keys.kid, now)
        issued = ev.ExperienceRecordIssued(e.id, e.student_id, e.company_id, self._keys.kid, now)
        await self._repo.save(e, [issued], ctx)
        metrics.RECORDS_ISSUED.inc()
        return self._view(jws, claims)

    def verify(self, jws: str) -> Verification:
        """VerifyExperienceRecord: signature check against the published keys, offline."""
        result = verify(jws, self.jwks())
        if result.valid and not (result.claims and record.is_record(result.claims)):
            result = Verification(False, "invalid_payload", result.kid)
        metrics.RECORD_VERIFICATIONS.labels(result.reason).inc()
        return result

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """GetJwks: the public keys records are verified with."""
        return self._keys.jwks()

    def jwks_json(self) -> str:
        return json.dumps(self.jwks(), sort_keys=True, separators=(",", ":"))

    def _view(self, jws: str, claims: dict[str, Any]) -> IssuedRecord:
        return IssuedRecord(jws, claims, record.resume_line(claims), self._keys.kid)
