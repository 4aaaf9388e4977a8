"""schemathesis with every check, on every route, as each role (and anonymous), against the
live gateway: no server error (issue 14) and no finding of any other check either (issue 17): no
schema-valid request refused (ST202), none violating it accepted, every response, status and
header as documented, auth required exactly where the document says.

What no JSON Schema can say (state, time, settings) the client knows and the hooks supply
(fuzzing/stint_schemathesis_hooks.py); the token goes with the document's security scheme
(fuzzing/schemathesis.toml), so the auth checks know where it is needed."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from ..e2e.conftest import Platform, auth
from .conftest import Tally

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
FUZZING = Path(__file__).with_name("fuzzing")
ROLES = {
    "student": auth("student", "usr_st_sec"),
    "employer": auth("employer", "usr_emp_sec", "cmp_st_sec"),
    "university": auth("university", "usr_uni_sec", "uni_st_sec"),
    "admin": auth("admin", "usr_adm_sec"),
    "anonymous": {},
}


_SERVER_ERROR = re.compile(r"\bST10[12]\b")


def _findings(junit: Path) -> tuple[int, list[str]]:
    """(test cases run, failure texts) from schemathesis' JUnit report."""
    root = ET.parse(junit).getroot()
    cases = list(root.iter("testcase"))
    failures = [
        f"{case.get('name')}: {(failure.get('message') or '')} {(failure.text or '')[:1500]}"
        for case in cases
        for failure in [*case.findall("failure"), *case.findall("error")]
    ]
    return len(cases), failures


@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", list(ROLES))
async def test_every_check_passes(
    hardened: Platform, api: httpx.AsyncClient, tally: Tally, tmp_path: Path, role: str
) -> None:
    junit = tmp_path / f"{role}.xml"
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "stint_schemathesis_hooks",
        "PYTHONPATH": str(FUZZING),
        "STINT_SCHEMATHESIS_ROLE": role,
    }
    config: list[str] = []
    if ROLES[role]:
        env["STINT_TOKEN"] = ROLES[role]["Authorization"].removeprefix("Bearer ")
        config = ["--config-file", str(FUZZING / "schemathesis.toml")]
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        *config,
        "run",
        f"{hardened.url}/openapi.json",
        "--checks",
        "all",
        # Not a latency test (make bench measures speed): only "answers before the client
        # gives up", the request timeout.
        "--max-response-time",
        "15",
        "--max-examples",
        "6",
        "--seed",
        "14",
        "--request-timeout",
        "15",
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    await _remove_endpoints(api, ROLES[role])
    assert junit.exists(), text[-4000:]
    _, failures = _findings(junit)
    server_errors = [f for f in failures if _SERVER_ERROR.search(f)]
    generated = re.search(r"(\d+) generated", text)
    tally.add(
        f"schemathesis -c all, as {role} (test cases)",
        attempts=int(generated[1]) if generated else 0,
        server_errors=len(server_errors),
    )
    assert generated, text[-4000:]
    assert not server_errors, "\n".join(server_errors)[:8000]
    assert not failures, "\n".join(failures)[:12000]


async def _remove_endpoints(api: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Delete the webhook endpoints the run made: their messages (every event of every posting
    it created, test sends) would keep the shared platform's delivery busy for the suite's
    other tests (test_ssrf waits for one delivery attempt)."""
    if not headers:
        return
    while True:
        listed = await api.get("/v1/webhooks/endpoints?page_size=100", headers=headers)
        endpoints = listed.json().get("endpoints", []) if listed.status_code == 200 else []
        if not endpoints:
            return
        deleted = [
            await api.delete(f"/v1/webhooks/endpoints/{endpoint['id']}", headers=headers)
            for endpoint in endpoints
        ]
        assert all(d.status_code == 204 for d in deleted), [d.text for d in deleted][:3]
